using System.Diagnostics;
using Gradebook.Tests.Support;

namespace Gradebook.Bench;

/// <summary>
/// Catching up after an outage while people read: a Gradebook process starts behind a backlog of events that the feed
/// sends as fast as they are read. Once with nobody reading (the catch-up's own speed), once with 8 connections reading
/// <c>/students/{id}</c> over 200 students as fast as they are answered, during the catch-up and for a while after it;
/// for each ingestion priority (<c>Feed:Priority</c>), on each engine.
/// </summary>
internal static class CatchUpBenchmark
{
    private const double LiveRate = 1_000;
    private const int Connections = 8;
    private const int Ids = 200;
    private static readonly TimeSpan After = TimeSpan.FromSeconds(10);
    private const string PrioritySetting = "Feed__Priority";
    private static readonly string[] Priorities = ["Reads", "CatchUp"];

    public static async Task<Report> RunAsync(BenchOptions options)
    {
        var events = options.Events ?? 1_000_000;
        var report = new Report("catchup",
        [
            "engine", "priority", "backlog events", "alone ev/s", "with reads ev/s", "with / alone",
            "during p50 ms", "during p99 ms", "during req/s", "after p50 ms", "after p99 ms", "after req/s", "peak RSS MB",
        ]);
        var feed = Workload.Feed(events);
        var ids = Emulator.ScoreSequence.All(feed).Select(e => e.StudentId).Distinct().Take(Ids).ToArray();
        foreach (var engine in options.Engines)
        {
            var settings = options.Settings ?? new Dictionary<string, string>();
            foreach (var priority in settings.TryGetValue(PrioritySetting, out var only) ? [only] : Priorities)
            {
                var (alone, _, _) = await CatchUpAsync(engine, priority, settings, feed, events, readIds: null);
                var (rate, during, afterwards) = await CatchUpAsync(engine, priority, settings, feed, events, ids);
                report.Add(engine, priority, events, alone, rate, rate / alone,
                    during.P50, during.P99, during.PerSecond, afterwards.P50, afterwards.P99, afterwards.PerSecond, during.PeakMegabytes);
                Console.WriteLine(
                    $"  {engine} {priority}: {alone:N0} ev/s alone, {rate:N0} with reads ({rate / alone:P0}); " +
                    $"reads during p99 {during.P99:F1} ms at {during.PerSecond:N0}/s, after p99 {afterwards.P99:F1} ms at {afterwards.PerSecond:N0}/s");
            }
        }

        report.Note("The feed is the emulator at full speed, started before the Gradebook process, so the process starts the whole backlog behind and reads it from the first event.");
        report.Note($"alone: the catch-up's rate with nobody reading; with reads: the same backlog, into a fresh database, while {Connections} connections each send GET /students/{{id}} over {Ids} students (a 404 until the student's first result is committed) as soon as the last is answered.");
        report.Note($"during: the reads from the first commit to the last; after: the next {After.TotalSeconds:F0} s, the backlog caught up. Rates are committed events per second from the first commit to the last.");
        report.Note("priority: Feed:Priority, Reads (the default: ingestion runs below the requests and gives way to them) or CatchUp (ingestion competes with the requests as an equal).");
        report.Note("peak RSS: the Gradebook process's VmHWM when the last event is committed.");
        return report;
    }

    private static async Task<(double Rate, Reads During, Reads After)> CatchUpAsync(
        string engine, string priority, IReadOnlyDictionary<string, string> given, Emulator.EmulatorOptions feed, long events, string[]? readIds)
    {
        using var directory = new TempDirectory();
        var (store, settings) = await Workload.FreshStoreAsync(engine, directory);
        foreach (var (name, value) in given)
        {
            settings[name] = value;
        }

        settings[PrioritySetting] = priority;
        await using var emulator = await EmulatorServer.StartAsync(feed);
        var port = Workload.FreePort();
        using var host = Workload.StartHost(settings, emulator.ScoresUrl, urls: $"http://127.0.0.1:{port}");
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Connections })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
        };
        await Workload.WaitUntilUpAsync(client, host);
        if (readIds is null)
        {
            return (await Workload.CommitRateAsync(store, events, host), Reads.None, Reads.None);
        }

        var clock = Stopwatch.StartNew();
        var latencies = new List<(double At, double Milliseconds)>[Connections];
        using var done = new CancellationTokenSource();
        var readers = Enumerable.Range(0, Connections)
            .Select(i => ReadAsync(client, readIds, new Random(i), clock, latencies[i] = [], done.Token))
            .ToList();
        double first = 0;
        var rate = await Workload.CommitRateAsync(store, events, host, received => first = first == 0 && received > 0 ? clock.Elapsed.TotalSeconds : first);
        var caughtUp = clock.Elapsed.TotalSeconds;
        var (_, peak) = MemoryBenchmark.Memory(host.Id);
        await Task.Delay(After);
        var end = clock.Elapsed.TotalSeconds;
        await done.CancelAsync();
        await Task.WhenAll(readers);
        var all = latencies.SelectMany(l => l).ToList();
        return (rate, Reads.Between(all, first, caughtUp, peak), Reads.Between(all, caughtUp, end, peak));
    }

    private static async Task ReadAsync(
        HttpClient client, string[] ids, Random random, Stopwatch clock, List<(double, double)> latencies, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var url = new Uri("/students/" + Uri.EscapeDataString(ids[random.Next(ids.Length)]), UriKind.Relative);
            var started = clock.Elapsed;
            try
            {
                using var response = await client.GetAsync(url, stop);
                await response.Content.ReadAsByteArrayAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }

            latencies.Add((started.TotalSeconds, (clock.Elapsed - started).TotalMilliseconds));
        }
    }

    private sealed record Reads(double P50, double P99, double PerSecond, double PeakMegabytes)
    {
        public static readonly Reads None = new(double.NaN, double.NaN, double.NaN, double.NaN);

        /// <summary>The reads that started between <paramref name="from"/> and <paramref name="to"/> seconds.</summary>
        public static Reads Between(List<(double At, double Milliseconds)> reads, double from, double to, double peak)
        {
            var window = reads.Where(r => r.At >= from && r.At < to).Select(r => r.Milliseconds).Order().ToList();
            return new Reads(Workload.Percentile(window, 50), Workload.Percentile(window, 99), window.Count / (to - from), peak);
        }
    }
}
