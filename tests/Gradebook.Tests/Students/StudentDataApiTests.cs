using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Gradebook.Tests.Auth;
using Gradebook.Tests.Support;

namespace Gradebook.Tests.Students;

/// <summary>A student's data on request over HTTP: the export streamed as JSON or ZIP, the erasure, its audit trail, and what the live stream and the read cache keep of an erased student.</summary>
public sealed class StudentDataApiTests(SecuredApp app) : IClassFixture<SecuredApp>
{
    private StoreHarness Store => StoreHarness.Of(app.Services);

    [Fact]
    public async Task The_export_streams_json_or_a_zip_to_a_registrar()
    {
        await Scores.WriteAsync(Store, ("pia-export", 1, 0.5), ("pia-export", 2, 0.75), ("olaf", 1, 0.25));
        using var registrar = app.ClientWithKey("registrar");

        using var json = await registrar.GetAsync(new Uri("/students/pia-export/export", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        Assert.Equal("application/json", json.Content.Headers.ContentType?.MediaType);
        Assert.Null(json.Content.Headers.ContentLength);
        using (var export = JsonDocument.Parse(await json.Content.ReadAsStreamAsync()))
        {
            Assert.Equal([1L, 2], export.RootElement.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("exam").GetInt64()));
            Assert.Equal(2, export.RootElement.GetProperty("events").GetArrayLength());
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, "/students/pia-export/export");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/zip"));
        using var zipped = await registrar.SendAsync(request);
        Assert.Equal("application/zip", zipped.Content.Headers.ContentType?.MediaType);
        using var zip = new ZipArchive(await zipped.Content.ReadAsStreamAsync(), ZipArchiveMode.Read);
        Assert.Equal(["student.json"], zip.Entries.Select(e => e.FullName));

        using var byQuery = await registrar.GetAsync(new Uri("/students/pia-export/export?format=zip", UriKind.Relative));
        Assert.Equal("application/zip", byQuery.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_unknown_student_or_a_bad_format_is_a_problem()
    {
        using var registrar = app.ClientWithKey("registrar");

        using var unknown = await registrar.GetAsync(new Uri("/students/nobody-here/export", UriKind.Relative));
        using var erase = await registrar.DeleteAsync(new Uri("/students/nobody-here", UriKind.Relative));
        await Scores.WriteAsync(Store, ("pia-format", 1, 0.5));
        using var format = await registrar.GetAsync(new Uri("/students/pia-format/export?format=xml", UriKind.Relative));

        Assert.Equal((HttpStatusCode.NotFound, "application/problem+json"), (unknown.StatusCode, unknown.Content.Headers.ContentType?.MediaType));
        Assert.Equal((HttpStatusCode.NotFound, "application/problem+json"), (erase.StatusCode, erase.Content.Headers.ContentType?.MediaType));
        Assert.Equal((HttpStatusCode.BadRequest, "application/problem+json"), (format.StatusCode, format.Content.Headers.ContentType?.MediaType));
    }

    [Fact]
    public async Task An_erased_student_is_gone_from_reads_and_cached_answers_and_audited_without_their_id()
    {
        const string id = "pia-erased-7";
        await Scores.WriteAsync(Store, (id, 1, 0.5), ("olaf", 1, 0.25));
        using var reader = app.ClientWithKey("admin");
        using var registrar = app.ClientWithKey("registrar");
        using var read = await reader.GetAsync(new Uri($"/students/{id}", UriKind.Relative));
        var tag = read.Headers.ETag;
        Assert.NotNull(tag);

        using var erased = await registrar.DeleteAsync(new Uri($"/students/{id}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
        var report = JsonDocument.Parse(await erased.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(1, report.GetProperty("counts").GetProperty("results").GetInt64());
        using var again = new HttpRequestMessage(HttpMethod.Get, $"/students/{id}");
        again.Headers.IfNoneMatch.Add(tag);
        using var reread = await reader.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotFound, reread.StatusCode);

        var trail = await registrar.GetStringAsync(new Uri("/audit/erasures", UriKind.Relative));
        var entry = JsonDocument.Parse(trail).RootElement.GetProperty("items").EnumerateArray().Last();
        Assert.Equal("registrar", entry.GetProperty("actor").GetString());
        Assert.Equal(report.GetProperty("studentHash").GetString(), entry.GetProperty("studentHash").GetString());
        Assert.DoesNotContain(id, trail, StringComparison.Ordinal);
        // Gradebook's own logs; the host's request log (Microsoft.AspNetCore, at Warning unless configured lower) shows URLs.
        var logs = app.Logs.GetSnapshot().Where(r => r.Category?.StartsWith("Gradebook", StringComparison.Ordinal) == true).ToList();
        Assert.DoesNotContain(logs, r => r.Message.Contains(id, StringComparison.Ordinal) || r.Exception?.ToString().Contains(id, StringComparison.Ordinal) == true);
        Assert.Contains(logs, r => r.Message.Contains(report.GetProperty("studentHash").GetString()!, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_resuming_live_client_is_not_replayed_an_erased_students_changes()
    {
        using var reader = app.ClientWithKey("admin");
        await using var watching = await LiveClient.ConnectAsync(reader, "?exam=77");
        await Scores.WriteAsync(Store, ("pia-live", 77, 0.5));
        await Scores.WriteAsync(Store, ("olaf-live", 77, 0.25));
        var seen = await watching.ReadAsync(2);
        Assert.Equal(["pia-live", "olaf-live"], seen.Select(e => e.StudentId));

        using var registrar = app.ClientWithKey("registrar");
        using var erased = await registrar.DeleteAsync(new Uri("/students/pia-live", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, erased.StatusCode);

        // Resuming from before both changes: the window the watching client keeps alive held the erased one.
        await using var resumed = await LiveClient.ConnectAsync(reader, "?exam=77", lastEventId: seen[0].Id - 1);
        Assert.Equal(["olaf-live"], (await resumed.ReadAsync(1)).Select(e => e.StudentId));
    }
}
