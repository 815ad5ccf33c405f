using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Gradebook.Storage;
using Gradebook.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Gradebook.Tests.Live;

/// <summary>GET /scores/live over real HTTP: what it sends, how a client resumes, and what a slow client costs.</summary>
public sealed class LiveStreamTests : IAsyncLifetime
{
    private readonly ApiHost _api = new(new Dictionary<string, string?> { ["Live:PollInterval"] = "00:00:00.020" });

    public Task InitializeAsync() => _api.InitializeAsync();

    public Task DisposeAsync() => _api.DisposeAsync();

    [Fact]
    public async Task Each_changed_result_is_one_event_with_the_new_score_and_both_aggregates()
    {
        await using var live = await LiveClient.ConnectAsync(_api.Client);

        await Scores.WriteAsync(_api.Store, ("amy", 1, 0.5), ("bob", 1, 0.75));
        await Scores.WriteAsync(_api.Store, ("amy", 1, 0.25), ("amy", 2, 1.0)); // the lower score changes nothing

        var events = await live.ReadAsync(3);
        Assert.Equal(
            [("amy", 1L, 0.5), ("bob", 1L, 0.75), ("amy", 2L, 1.0)],
            events.Select(e => (e.StudentId, e.Exam, e.Score)));
        Assert.True(events[0].Id < events[1].Id && events[1].Id < events[2].Id);
        Assert.Equal((2L, 0.625), (events[1].ExamStudentCount, events[1].ExamAverage));
        Assert.Equal((2L, 0.75), (events[2].StudentExamCount, events[2].StudentAverage));
        Assert.Equal((1L, 1.0), (events[2].ExamStudentCount, events[2].ExamAverage));
    }

    [Fact]
    public async Task A_client_that_reconnects_with_its_last_event_id_gets_exactly_the_changes_it_missed()
    {
        long lastSeen;
        await using (var live = await LiveClient.ConnectAsync(_api.Client))
        {
            await Scores.WriteAsync(_api.Store, ("a", 1, 0.1), ("b", 1, 0.2));
            lastSeen = (await live.ReadAsync(2))[^1].Id;
        }

        await Scores.WriteAsync(_api.Store, ("c", 1, 0.3));
        await Scores.WriteAsync(_api.Store, ("d", 1, 0.4), ("a", 1, 0.5));

        await using var resumed = await LiveClient.ConnectAsync(_api.Client, lastEventId: lastSeen);
        await Scores.WriteAsync(_api.Store, ("e", 2, 0.6));
        Assert.Equal(
            [("c", 0.3), ("a", 0.5), ("d", 0.4), ("e", 0.6)],
            (await resumed.ReadAsync(4)).Select(e => (e.StudentId, e.Score)));
    }

    [Fact]
    public async Task A_client_resumes_across_a_restart_from_the_store_not_from_memory()
    {
        using var directory = new TempDirectory();
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Gradebook"] = directory.SqliteConnectionString(),
            ["Feed:Enabled"] = "false",
            ["Live:PollInterval"] = "00:00:00.020",
        };
        long lastSeen;
        await using (var first = StartHost(settings))
        {
            using var client = first.CreateClient();
            await using var live = await LiveClient.ConnectAsync(client);
            await Scores.WriteAsync(StoreHarness.Of(first.Services), ("a", 7, 0.1), ("b", 7, 0.2));
            lastSeen = (await live.ReadAsync(1))[0].Id;
            await Scores.WriteAsync(StoreHarness.Of(first.Services), ("c", 7, 0.3));
        }

        await using (var store = await Scores.NewSqliteStoreAsync(directory))
        {
            await Scores.WriteAsync(store, ("d", 8, 0.4));
        }

        await using var second = StartHost(settings);
        using var secondClient = second.CreateClient();
        await using var resumed = await LiveClient.ConnectAsync(secondClient, lastEventId: lastSeen);
        Assert.Equal([("b", 7L), ("c", 7L), ("d", 8L)], (await resumed.ReadAsync(3)).Select(e => (e.StudentId, e.Exam)));
    }

    [Fact]
    public async Task Filters_pass_only_one_exam_or_one_student()
    {
        await using var exam = await LiveClient.ConnectAsync(_api.Client, "?exam=2");
        await using var student = await LiveClient.ConnectAsync(_api.Client, "?studentId=" + Uri.EscapeDataString("b é/1"));

        await Scores.WriteAsync(_api.Store, ("a", 1, 0.1), ("b é/1", 1, 0.2), ("a", 2, 0.3), ("b é/1", 2, 0.4), ("c", 3, 0.5));

        Assert.Equal([("a", 2L), ("b é/1", 2L)], (await exam.ReadAsync(2)).Select(e => (e.StudentId, e.Exam)));
        Assert.Equal([("b é/1", 1L), ("b é/1", 2L)], (await student.ReadAsync(2)).Select(e => (e.StudentId, e.Exam)));
    }

    [Theory]
    [InlineData("?exam=ten", "exam")]
    [InlineData("?exam=-1", "exam")]
    [InlineData("?studentId=", "studentId")]
    public async Task A_malformed_filter_is_a_400_problem_naming_it(string query, string parameter)
    {
        using var response = await _api.Client.GetAsync("/scores/live" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"\"{parameter}\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task A_last_event_id_beyond_the_end_of_the_log_is_a_400_problem_that_names_the_end(long beyond)
    {
        await Scores.WriteAsync(_api.Store, ("a", 1, 0.1), ("b", 1, 0.2));
        var last = await _api.Factory.Services.GetRequiredService<ChangeLogStore>().LastIdAsync(CancellationToken.None);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/scores/live");
        request.Headers.Add("Last-Event-ID", (last + beyond + 1000).ToString(System.Globalization.CultureInfo.InvariantCulture));

        using var response = await _api.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"Last-Event-ID\"", body, StringComparison.Ordinal);
        Assert.Contains($"the last change is {last}", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_last_event_id_at_the_end_of_the_log_is_resumed_from()
    {
        await Scores.WriteAsync(_api.Store, ("a", 1, 0.1));
        var last = await _api.Factory.Services.GetRequiredService<ChangeLogStore>().LastIdAsync(CancellationToken.None);

        await using var live = await LiveClient.ConnectAsync(_api.Client, lastEventId: last);
        await Scores.WriteAsync(_api.Store, ("b", 1, 0.2));

        Assert.Equal("b", Assert.Single(await live.ReadAsync(1)).StudentId);
    }

    [Fact]
    public async Task An_imported_documents_results_are_events_too()
    {
        await using var live = await LiveClient.ConnectAsync(_api.Client);

        using var content = new StringContent(Markr.Example, Encoding.UTF8, "text/xml+markr");
        using var response = await _api.Client.PostAsync("/import", content);
        response.EnsureSuccessStatusCode();

        var e = Assert.Single(await live.ReadAsync(1));
        Assert.Equal(("521585128", 1234L, 0.65, 1L, 0.65), (e.StudentId, e.Exam, e.Score, e.ExamStudentCount, e.ExamAverage));
    }

    [Fact]
    public async Task A_rebuild_appends_nothing_to_the_log()
    {
        await Scores.WriteAsync(_api.Store, ("a", 1, 0.1), ("b", 1, 0.2));
        var changes = _api.Factory.Services.GetRequiredService<ChangeLogStore>();
        var before = await changes.LastIdAsync(CancellationToken.None);

        await _api.Store.RebuildAsync(CancellationToken.None);
        await Scores.WriteAsync(_api.Store, ("c", 1, 0.3));

        var after = await changes.ReadAsync(0, long.MaxValue, null, null, 100, CancellationToken.None);
        Assert.Equal(["a", "b", "c"], after.Select(c => c.StudentId));
        Assert.True(after[^1].Id > before);
    }

    [Fact]
    public async Task A_client_that_stops_reading_is_disconnected_while_ingestion_and_other_clients_go_on()
    {
        await using var api = new ApiHost(new Dictionary<string, string?>
        {
            ["Live:PollInterval"] = "00:00:00.020",
            ["Live:WriteTimeout"] = "00:00:05",
            ["Live:MaxBehind"] = "1000000",
        });
        await api.InitializeAsync();
        using var dropped = new MetricCollector<long>(api.Factory.Services.GetRequiredService<IMeterFactory>(), "Gradebook", "live.dropped");
        await using var reader = await LiveClient.ConnectAsync(api.Client);

        // A client that sends its request and never reads: a small receive buffer, so the server's writes block soon. It
        // asks for everything from the first change, so it is sent all of it however late its request is served.
        using var stalled = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await stalled.ConnectAsync(IPAddress.Loopback, api.Client.BaseAddress!.Port);
        await stalled.SendAsync(Encoding.ASCII.GetBytes("GET /scores/live HTTP/1.1\r\nHost: localhost\r\nLast-Event-ID: 0\r\n\r\n"));

        // About 16 MB of events, several times what the socket buffers between the server and the stalled client hold
        // (at most 4 MiB to send and a few KiB to receive, by Linux's defaults).
        const int Batches = 200, PerBatch = 250;
        var reading = reader.ReadAsync(Batches * PerBatch);
        var padding = new string('x', 110);
        for (var b = 0; b < Batches; b++)
        {
            await Scores.WriteAsync(api.Store, [.. Enumerable.Range(0, PerBatch).Select(i => ($"student-{i:D4}-{padding}", (long)b, 0.5))]);
        }

        var events = await reading;
        Assert.Equal(Enumerable.Range(0, Batches).SelectMany(b => Enumerable.Repeat((long)b, PerBatch)), events.Select(e => e.Exam));

        // Ingestion may finish before the stalled write has waited Live:WriteTimeout: wait for the host to give up on it.
        using var stalledLong = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await dropped.WaitForMeasurementsAsync(1, stalledLong.Token);
        Assert.Equal("write_timeout", Assert.Single(dropped.GetMeasurementSnapshot()).Tags["reason"]);

        // The server closed the stalled connection: reading what it had buffered ends, by end of stream or reset.
        using var giveUp = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var buffer = new byte[64 * 1024];
        try
        {
            while (await stalled.ReceiveAsync(buffer, SocketFlags.None, giveUp.Token) > 0)
            {
            }
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            // Closed by the server with a reset, which is as closed.
        }

        Assert.False(giveUp.IsCancellationRequested);
    }

    private static GradebookFactory StartHost(Dictionary<string, string?> settings)
    {
        var factory = new GradebookFactory(settings);
        factory.UseKestrel(0);
        factory.StartServer();
        return factory;
    }
}
