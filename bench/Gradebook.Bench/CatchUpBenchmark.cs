using System.Diagnostics;
using Gradebook.Tests.Support;

namespace Gradebook.Bench;

/// <summary>
/// Catching up after an outage: a Gradebook process starts behind a backlog of events that the feed sends as fast as
/// they are read, while clients keep reading; how many times faster than a live feed of 1,000 events/s it catches up,
/// and what the reads cost meanwhile.
/// </summary>
internal static class CatchUpBenchmark
{
    private const double LiveRate = 1_000;
    private const int Readers = 2;

    public static async Task<Report> RunAsync(BenchOptions options)
    {
        var events = options.Events ?? 1_000_000;
        var report = new Report("catchup", ["engine", "backlog events", "catch-up ev/s", "x live 1,000 ev/s", "reads", "read p50 ms", "read p99 ms", "read max ms", "peak RSS MB"]);
        foreach (var engine in options.Engines)
        {
            var feed = Workload.Feed(events);
            var students = Emulator.ScoreSequence.All(feed).Select(e => e.StudentId).Distinct().ToArray();
            using var directory = new TempDirectory();
            var (store, settings) = await Workload.FreshStoreAsync(engine, directory);
            await using var emulator = await EmulatorServer.StartAsync(feed);
            var port = Workload.FreePort();
            using var host = Workload.StartHost(settings, emulator.ScoresUrl, urls: $"http://127.0.0.1:{port}");
            using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Readers })
            {
                BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            };
            await Workload.WaitUntilUpAsync(client, host);

            using var done = new CancellationTokenSource();
            var random = new Random(1);
            var readers = Enumerable.Range(0, Readers).Select(_ => ReadAsync(client, students, random, done.Token)).ToList();
            var rate = await Workload.CommitRateAsync(store, events, host);
            var (_, peak) = MemoryBenchmark.Memory(host.Id);
            await done.CancelAsync();
            var latencies = (await Task.WhenAll(readers)).SelectMany(l => l).Order().ToList();

            report.Add(engine, events, rate, rate / LiveRate, latencies.Count,
                Workload.Percentile(latencies, 50), Workload.Percentile(latencies, 99), latencies[^1], peak);
            Console.WriteLine($"  {engine} {events:N0}: {rate:N0} ev/s ({rate / LiveRate:F0}x live), read p99 {Workload.Percentile(latencies, 99):F1} ms, peak RSS {peak:F0} MB");
        }

        report.Note("The feed is the emulator at full speed, started before the Gradebook process, so the process starts the whole backlog behind and reads it from the first event.");
        report.Note($"Meanwhile {Readers} clients each send GET /students/{{id}} for a random student (a 404 until the student's first result is committed) as soon as the last is answered.");
        report.Note("catch-up ev/s: committed events per second from the first commit to the last; x live: that over a live feed's 1,000 events/s.");
        report.Note("peak RSS: the Gradebook process's VmHWM when the last event is committed.");
        return report;
    }

    private static async Task<List<double>> ReadAsync(HttpClient client, string[] students, Random random, CancellationToken stop)
    {
        var latencies = new List<double>();
        while (!stop.IsCancellationRequested)
        {
            string url;
            lock (random)
            {
                url = "/students/" + Uri.EscapeDataString(students[random.Next(students.Length)]);
            }

            var started = Stopwatch.GetTimestamp();
            try
            {
                using var response = await client.GetAsync(new Uri(url, UriKind.Relative), stop);
                await response.Content.ReadAsByteArrayAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }

            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        return latencies;
    }
}
