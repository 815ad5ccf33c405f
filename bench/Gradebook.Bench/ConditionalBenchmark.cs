using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Gradebook.Grading;
using Gradebook.Ingestion;
using Gradebook.Tests.Support;

namespace Gradebook.Bench;

/// <summary>
/// Conditional GETs while the feed runs: a dashboard polls settled exams (and the list of exams, as a control) with
/// the entity tag of its last answer while a Gradebook process ingests the emulator at 1,000 events/s on other exams.
/// An exam's read is tagged by that exam's version, so a settled exam answers 304; a list follows the data version and
/// changes with every batch.
/// </summary>
internal static class ConditionalBenchmark
{
    private const double EventsPerSecond = 1_000;
    private const int SettledExams = 50;
    private const int StudentsPerExam = 100;

    /// <summary>How often the dashboard asks again: each of its reads once a second.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    public static async Task<Report> RunAsync(BenchOptions options)
    {
        var report = new Report("conditional", ["engine", "read", "requests", "304 rate", "req/s", "detail"]);
        var seconds = options.Seconds ?? 20;
        foreach (var engine in options.Engines)
        {
            using var directory = new TempDirectory();
            var (store, settings) = await Workload.FreshStoreAsync(engine, directory);
            await SeedSettledExamsAsync(store);

            var feed = Workload.Feed((long)(EventsPerSecond * (seconds + 30)), EventsPerSecond);
            await using var emulator = await EmulatorServer.StartAsync(feed);
            var port = Workload.FreePort();
            using var host = Workload.StartHost(settings, emulator.ScoresUrl, urls: $"http://127.0.0.1:{port}");
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = Timeout.InfiniteTimeSpan };
            await Workload.WaitUntilUpAsync(http, host);
            await WaitForCommitsAsync(store);

            var polled = PollAsync(http, Enumerable.Range(1, SettledExams).Select(e => $"/exams/{e}").ToList(), seconds);
            var lists = await PollAsync(http, ["/exams?limit=50"], seconds);
            var exams = await polled;
            var committed = await store.GetFeedAsync(FeedCatalog.ShorthandName, CancellationToken.None);
            foreach (var (read, result) in new[] { ("settled exams, /exams/{n}", exams), ("list, /exams?limit=50", lists) })
            {
                report.Add(engine, read, result.Requests, result.NotModified / (double)result.Requests, result.Requests / result.Seconds, $"{seconds} s, each read once a second");
                Console.WriteLine($"  {engine} {read}: {result.Requests:N0} requests, {result.NotModified / (double)result.Requests:P1} 304");
            }

            report.Note($"{engine}: {committed?.Received:N0} events received by the feed while polling.");
        }

        report.Note($"The feed: the emulator at {EventsPerSecond:N0} events/s on exams from 10,000 up; the polled exams (1 to {SettledExams}, {StudentsPerExam} students each) were written before the host started and never change.");
        return report;
    }

    private static async Task SeedSettledExamsAsync(StoreHarness store)
    {
        var now = DateTimeOffset.UtcNow;
        var events = Enumerable.Range(0, SettledExams * StudentsPerExam).Select(i =>
        {
            var score = new Score($"settled-{i % StudentsPerExam:D3}", 1 + (i / StudentsPerExam), (i % 97) / 97.0);
            return new FeedEvent(null, "score", "{}", now, score, null);
        }).ToList();
        await store.WriteFeedBatchAsync("seed", events, CancellationToken.None);
    }

    private static async Task WaitForCommitsAsync(StoreHarness store)
    {
        while ((await store.GetFeedAsync(FeedCatalog.ShorthandName, CancellationToken.None))?.Received is null or 0)
        {
            await Task.Delay(100);
        }
    }

    private static async Task<(long Requests, long NotModified, double Seconds)> PollAsync(HttpClient http, IReadOnlyList<string> urls, double seconds)
    {
        var tags = new Dictionary<string, EntityTagHeaderValue>();
        long requests = 0, notModified = 0;
        var clock = Stopwatch.StartNew();
        using var timer = new PeriodicTimer(PollInterval);
        while (clock.Elapsed.TotalSeconds < seconds && await timer.WaitForNextTickAsync())
        {
            foreach (var url in urls)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                if (tags.TryGetValue(url, out var tag))
                {
                    request.Headers.IfNoneMatch.Add(tag);
                }

                using var response = await http.SendAsync(request);
                requests++;
                if (response.StatusCode == HttpStatusCode.NotModified)
                {
                    notModified++;
                }
                else
                {
                    response.EnsureSuccessStatusCode();
                    _ = await response.Content.ReadAsByteArrayAsync();
                    tags[url] = response.Headers.ETag!;
                }
            }
        }

        return (requests, notModified, clock.Elapsed.TotalSeconds);
    }
}
