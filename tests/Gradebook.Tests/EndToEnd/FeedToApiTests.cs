using System.Net.Http.Json;
using System.Text.Json;
using Gradebook.Emulator;
using Gradebook.Feed;
using Gradebook.Grading;
using Gradebook.Ingestion;
using Gradebook.Storage;
using Gradebook.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Gradebook.Tests.EndToEnd;

/// <summary>The host reads the emulator over real HTTP, and the API then shows exactly what the emulator sent.</summary>
public sealed class FeedToApiTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task The_api_reflects_exactly_what_the_emulator_sent()
    {
        var options = new EmulatorOptions { EventsPerSecond = 0, Students = 300, MaxEvents = 20_000, Seed = 11, MinBurst = 20, MaxBurst = 300 };
        await using var emulator = await EmulatorServer.StartAsync(options);
        await using var factory = new GradebookFactory(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Gradebook"] = _directory.SqliteConnectionString(),
            ["Feed:Url"] = emulator.ScoresUrl.ToString(),
            ["Feed:BatchSize"] = "1000",
        });
        using var client = factory.CreateClient();
        var store = StoreHarness.Of(factory.Services);

        var cursor = await Eventually.Until(
            () => store.GetFeedAsync(FeedCatalog.ShorthandName, CancellationToken.None),
            c => c?.Received == options.MaxEvents);
        Assert.Equal(new FeedCursor { LastEventId = "20000", Received = 20_000, Accepted = 20_000, Rejected = 0, Ignored = 0 }, cursor);

        var sent = ScoreSequence.All(options);
        var expected = sent
            .GroupBy(e => (e.StudentId, e.Exam))
            .Select(g => (g.Key.StudentId, g.Key.Exam, Score: g.Max(e => e.Score)))
            .ToList();

        var students = await client.AllPagesAsync("/students?limit=1000");
        var byStudent = expected.GroupBy(r => r.StudentId).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        Assert.Equal(byStudent.Select(g => g.Key), students.Select(s => s.GetProperty("studentId").GetString()));
        foreach (var (summary, group) in students.Zip(byStudent))
        {
            Assert.Equal(group.Count(), summary.GetProperty("examCount").GetInt32());
            Assert.Equal(group.Average(r => r.Score), summary.GetProperty("average").GetDouble(), 12);
        }

        foreach (var group in byStudent.Take(25))
        {
            var student = await client.GetFromJsonAsync<JsonElement>("/students/" + Uri.EscapeDataString(group.Key));
            Assert.Equal(
                group.OrderBy(r => r.Exam).Select(r => (r.Exam, r.Score)),
                student.GetProperty("results").EnumerateArray().Select(r => (r.GetProperty("exam").GetInt64(), r.GetProperty("score").GetDouble())));
        }

        var exams = await client.AllPagesAsync("/exams?limit=37");
        var byExam = expected.GroupBy(r => r.Exam).OrderBy(g => g.Key).ToList();
        Assert.Equal(byExam.Select(g => g.Key), exams.Select(e => e.GetProperty("exam").GetInt64()));
        foreach (var group in byExam.Take(25))
        {
            var exam = await client.GetFromJsonAsync<JsonElement>($"/exams/{group.Key}");
            Assert.Equal(
                group.OrderBy(r => r.StudentId, StringComparer.Ordinal).Select(r => (r.StudentId, r.Score)),
                exam.GetProperty("results").EnumerateArray().Select(r => (r.GetProperty("studentId").GetString()!, r.GetProperty("score").GetDouble())));
            Assert.Equal(group.Average(r => r.Score), exam.GetProperty("average").GetDouble(), 12);
        }
    }

    [Fact]
    public async Task By_default_the_host_serves_and_ingests_its_own_emulator()
    {
        await using var factory = new GradebookFactory(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Gradebook"] = _directory.SqliteConnectionString(),
            ["Emulator:EventsPerSecond"] = "2000",
        });
        factory.UseKestrel(0);
        factory.StartServer();
        using var client = factory.CreateClient();
        var status = factory.Services.GetRequiredService<FeedCatalog>().Feeds.Single().Status;

        var page = await Eventually.Until(
            () => client.GetFromJsonAsync<JsonElement>("/students"),
            p => p.GetProperty("items").GetArrayLength() > 0);

        Assert.Equal(FeedCatalog.EmulatorName, status.Source);
        var id = page.GetProperty("items")[0].GetProperty("studentId").GetString()!;
        var student = await client.GetFromJsonAsync<JsonElement>("/students/" + Uri.EscapeDataString(id));
        var exam = student.GetProperty("results")[0].GetProperty("exam").GetInt64();
        var examDetails = await client.GetFromJsonAsync<JsonElement>($"/exams/{exam}");
        Assert.Contains(examDetails.GetProperty("results").EnumerateArray(), r => r.GetProperty("studentId").GetString() == id);
    }
}
