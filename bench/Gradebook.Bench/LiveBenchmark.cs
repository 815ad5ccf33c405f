using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Gradebook.Emulator;
using Gradebook.Grading;
using Gradebook.Tests.Support;

namespace Gradebook.Bench;

/// <summary>
/// GET /scores/live and the CSV export: emit-to-screen latency at 1,000 events/s; the ingest rate with 200 live clients
/// and with none, in the same run; and the peak memory of a Gradebook process streaming a million results as CSV.
/// </summary>
internal static class LiveBenchmark
{
    private const double EventsPerSecond = 1_000;
    private const double WarmUpSeconds = 3;
    private const int Clients = 200;

    public static async Task<Report> RunAsync(BenchOptions options)
    {
        var report = new Report("live", ["engine", "measure", "value", "unit", "detail"]);
        foreach (var engine in options.Engines)
        {
            foreach (var others in (int[])[0, Clients])
            {
                var (samples, p50, p99, max, dropped) = await LatencyAsync(engine, options.Seconds ?? 20, others);
                var with = others == 0 ? "" : $", {others} other clients";
                report.Add(engine, $"emit-to-screen p50{with}", p50, "ms", $"{samples} events at {EventsPerSecond:N0} ev/s");
                report.Add(engine, $"emit-to-screen p99{with}", p99, "ms", $"max {max:F1} ms; {dropped} clients dropped");
                Console.WriteLine($"  {engine} latency{with}: p50 {p50:F1} ms, p99 {p99:F1} ms, {dropped} dropped");
            }

            var events = options.Events ?? 100_000;
            var alone = await IngestAsync(engine, events, clients: 0);
            var watched = await IngestAsync(engine, events, Clients);
            report.Add(engine, "ingest, no live clients", alone.Rate, "ev/s", $"{events:N0} events, full speed");
            report.Add(engine, $"ingest, {Clients} live clients", watched.Rate, "ev/s", $"{watched.Rate / alone.Rate:P0} of alone; {watched.Dropped} clients dropped; {watched.Megabytes:N0} MB streamed while ingesting");
            Console.WriteLine($"  {engine} ingest: alone {alone.Rate:N0}/s, with {Clients} clients {watched.Rate:N0}/s ({watched.Dropped} dropped)");

            var csv = await CsvExportAsync(engine, 1_000_000);
            report.Add(engine, "CSV export, 1M students", csv.Seconds, "s", $"{csv.Megabytes:N0} MB; process peak RSS {csv.PeakBefore:N0} MB before, {csv.PeakAfterFirst:N0} MB after one export, {csv.PeakAfterSecond:N0} MB after two");
            Console.WriteLine($"  {engine} CSV: {csv.Seconds:F1} s, {csv.Megabytes:N0} MB, peak RSS {csv.PeakBefore:N0} -> {csv.PeakAfterFirst:N0} -> {csv.PeakAfterSecond:N0} MB");
        }

        report.Note($"emit-to-screen: from the feed server flushing an event to a client of GET /scores/live parsing it (Live:PollInterval 100 ms, the default); the first {WarmUpSeconds} s are not counted.");
        report.Note($"ingest: emulator at full speed → a Gradebook process → committed, timed from its first commit; with {Clients} clients connected as the host came up (from the end of the log, as a dashboard does), each reading every change after that (in this benchmark process, on the same cores).");
        report.Note("CSV export: GET /students?format=csv of a store holding one result for each of 1,000,000 students, read to the end, twice (the time is the second's); peak RSS is the process's VmHWM.");
        return report;
    }

    private static async Task<(int Samples, double P50, double P99, double Max, int Dropped)> LatencyAsync(string engine, double seconds, int others)
    {
        var feedOptions = Workload.Feed((long)(EventsPerSecond * (seconds + WarmUpSeconds)), EventsPerSecond);
        var sequence = ScoreSequence.All(feedOptions);
        var ids = new Dictionary<(string, long), long>();
        foreach (var e in sequence)
        {
            ids.TryAdd((e.StudentId, e.Exam), e.Id);
        }

        var sentAt = new ConcurrentDictionary<long, long>();
        await using var feed = await LatencyBenchmark.StartFeedAsync(feedOptions, sentAt);
        using var directory = new TempDirectory();
        var (_, settings) = await Workload.FreshStoreAsync(engine, directory);
        var port = Workload.FreePort();
        using var host = Workload.StartHost(settings, feed.Url, urls: $"http://127.0.0.1:{port}");
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = Timeout.InfiniteTimeSpan };
        await Workload.WaitUntilUpAsync(client, host);
        using var stop = new CancellationTokenSource();
        var (readers, _, dropped) = Drain(client, others, stop.Token);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/scores/live");
        request.Headers.Add("Last-Event-ID", "0");
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var firstCounted = (long)(EventsPerSecond * WarmUpSeconds);
        var latencies = new List<double>();
        var seen = 0;
        await foreach (var item in SseParser.Create(body).EnumerateAsync())
        {
            if (item.EventType != "result")
            {
                continue;
            }

            var received = Stopwatch.GetTimestamp();
            using var json = JsonDocument.Parse(item.Data);
            var key = (json.RootElement.GetProperty("studentId").GetString()!, json.RootElement.GetProperty("exam").GetInt64());
            if (ids.TryGetValue(key, out var id) && id > firstCounted && sentAt.TryGetValue(id, out var sent))
            {
                latencies.Add(Stopwatch.GetElapsedTime(sent, received).TotalMilliseconds);
            }

            if (++seen == ids.Count)
            {
                break;
            }
        }

        await stop.CancelAsync();
        await Task.WhenAll(readers);
        latencies.Sort();
        return (latencies.Count, Workload.Percentile(latencies, 50), Workload.Percentile(latencies, 99), latencies[^1], dropped());
    }

    private static async Task<(double Rate, int Dropped, double Megabytes)> IngestAsync(string engine, long events, int clients)
    {
        using var directory = new TempDirectory();
        var (store, settings) = await Workload.FreshStoreAsync(engine, directory);
        var feed = Workload.Feed(events);
        await using var emulator = await EmulatorServer.StartAsync(feed);
        var port = Workload.FreePort();
        using var host = Workload.StartHost(settings, emulator.ScoresUrl, urls: $"http://127.0.0.1:{port}");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = Timeout.InfiniteTimeSpan };
        await Workload.WaitUntilUpAsync(http, host);

        using var stop = new CancellationTokenSource();
        var (readers, bytes, dropped) = Drain(http, clients, stop.Token);

        var rate = await Workload.CommitRateAsync(store, events, host);
        var streamed = bytes() / 1024.0 / 1024.0;
        await stop.CancelAsync();
        await Task.WhenAll(readers);
        return (rate, dropped(), streamed);
    }

    /// <summary>Live clients that read every byte and parse nothing; counts what they read and how many the host disconnected.</summary>
    private static (List<Task> Readers, Func<long> Bytes, Func<int> Dropped) Drain(HttpClient http, int clients, CancellationToken stop)
    {
        long bytes = 0;
        var dropped = 0;
        var readers = Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            try
            {
                using var response = await http.GetAsync(new Uri("/scores/live", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, stop);
                await using var body = await response.Content.ReadAsStreamAsync(stop);
                var buffer = new byte[64 * 1024];
                int read;
                while ((read = await body.ReadAsync(buffer, stop)) > 0)
                {
                    Interlocked.Add(ref bytes, read);
                }

                Interlocked.Increment(ref dropped);
            }
            catch (OperationCanceledException)
            {
                // Stopped by the benchmark.
            }
            catch (HttpRequestException)
            {
                Interlocked.Increment(ref dropped);
            }
        })).ToList();
        return (readers, () => Interlocked.Read(ref bytes), () => Volatile.Read(ref dropped));
    }

    private static async Task<(double Seconds, double Megabytes, double PeakBefore, double PeakAfterFirst, double PeakAfterSecond)> CsvExportAsync(string engine, int students)
    {
        using var directory = new TempDirectory();
        var (store, settings) = await Workload.FreshStoreAsync(engine, directory);
        var now = DateTimeOffset.UtcNow;
        for (var start = 0; start < students; start += 16_384)
        {
            var batch = Enumerable.Range(start, Math.Min(16_384, students - start)).Select(i =>
            {
                var score = new Score($"student-{i:D7}", 10_000 + (i / 300), (i % 1000) / 1000.0);
                return new FeedEvent(i.ToString(CultureInfo.InvariantCulture), "score", "{}", now, score, null);
            }).ToList();
            await store.WriteFeedBatchAsync("seed", batch, CancellationToken.None);
        }

        var port = Workload.FreePort();
        using var host = Workload.StartHost(settings, feed: null, urls: $"http://127.0.0.1:{port}");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = Timeout.InfiniteTimeSpan };
        await Workload.WaitUntilUpAsync(http, host);
        var before = PeakMegabytes(host.Id);

        // Twice: the first export also loads and compiles what any first request does; the second shows what an export holds.
        var (seconds, megabytes) = await ExportAsync(http);
        var afterFirst = PeakMegabytes(host.Id);
        (seconds, megabytes) = await ExportAsync(http);
        return (seconds, megabytes, before, afterFirst, PeakMegabytes(host.Id));
    }

    private static async Task<(double Seconds, double Megabytes)> ExportAsync(HttpClient http)
    {
        var clock = Stopwatch.StartNew();
        using var response = await http.GetAsync(new Uri("/students?format=csv", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64 * 1024];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            total += read;
        }

        return (clock.Elapsed.TotalSeconds, total / 1024.0 / 1024.0);
    }

    private static double PeakMegabytes(int pid) =>
        File.ReadLines($"/proc/{pid}/status")
            .Where(line => line.StartsWith("VmHWM:", StringComparison.Ordinal))
            .Select(line => double.Parse(line.Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024)
            .Single();
}
