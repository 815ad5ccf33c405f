using System.Diagnostics;
using Gradebook.Tests.Support;

namespace Gradebook.Bench;

/// <summary>
/// Latency and throughput of the four reads under concurrent load over loopback, against a Gradebook process whose
/// store holds about a million results of a realistic shape.
/// </summary>
internal static class QueryBenchmark
{
    internal const int Concurrency = 4;

    public static async Task<Report> RunAsync(BenchOptions options)
    {
        var events = options.Events ?? 1_000_000;
        var seconds = options.Seconds ?? 10;
        var report = new Report("query", ["engine", "results", "endpoint", "requests", "req/s", "/ /healthz", "p50 ms", "p99 ms", "max ms", "SQL alone p50 ms", "SQL alone p99 ms"]);
        foreach (var engine in options.Engines)
        {
            using var directory = new TempDirectory();
            var (store, settings) = await Workload.FreshStoreAsync(engine, directory);
            var sent = Emulator.ScoreSequence.All(Workload.Feed(events));
            await Workload.StoreAsync(store, sent);

            var students = sent.Select(e => e.StudentId).Distinct().Order(StringComparer.Ordinal).ToArray();
            var exams = sent.Select(e => e.Exam).Distinct().Order().ToArray();
            var results = sent.Select(e => (e.StudentId, e.Exam)).Distinct().LongCount();
            sent = null;
            GC.Collect();

            var port = Workload.FreePort();
            using var host = Workload.StartHost(settings, feed: null, urls: $"http://127.0.0.1:{port}");
            using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Concurrency })
            {
                BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            };
            await Workload.WaitUntilUpAsync(client, host);

            var random = new Random(1);
            var none = CancellationToken.None;
            var endpoints = new (string Name, Func<string> Url, Func<Task> Sql)[]
            {
                ("GET /healthz", () => "/healthz", () => Task.CompletedTask),
                ("GET /students/{id}", () => "/students/" + Uri.EscapeDataString(students[random.Next(students.Length)]),
                    () => store.GetStudentAsync(students[random.Next(students.Length)], none)),
                ("GET /exams/{exam}", () => $"/exams/{exams[random.Next(exams.Length)]}",
                    () => store.GetExamAsync(exams[random.Next(exams.Length)], none)),
                ("GET /students?after=", () => "/students?limit=100&after=" + Uri.EscapeDataString(students[random.Next(students.Length)]),
                    () => store.ListStudentsAsync(students[random.Next(students.Length)], 101, none)),
                ("GET /exams?after=", () => $"/exams?limit=100&after={exams[random.Next(exams.Length)]}",
                    () => store.ListExamsAsync(exams[random.Next(exams.Length)], 101, none)),
            };
            var healthz = double.NaN;
            foreach (var (name, url, sql) in endpoints)
            {
                await LoadAsync(client, url, TimeSpan.FromSeconds(1)); // warm-up
                var (latencies, elapsed) = await LoadAsync(client, url, TimeSpan.FromSeconds(seconds));
                latencies.Sort();
                var alone = await TimeAsync(sql, 2_000);
                var rate = latencies.Count / elapsed.TotalSeconds;
                healthz = double.IsNaN(healthz) ? rate : healthz;
                report.Add(engine, results, name, latencies.Count, rate, rate / healthz,
                    Workload.Percentile(latencies, 50), Workload.Percentile(latencies, 99), latencies[^1],
                    Workload.Percentile(alone, 50), Workload.Percentile(alone, 99));
                Console.WriteLine($"  {engine} {name}: p50 {Workload.Percentile(latencies, 50):F2} ms, p99 {Workload.Percentile(latencies, 99):F2} ms");
            }

            // A client that revalidates what it holds: the same reads with the tag of the answer it already has.
            using (var first = await client.GetAsync(new Uri("/students/" + Uri.EscapeDataString(students[0]), UriKind.Relative)))
            {
                var tag = first.Headers.ETag;
                var (latencies, elapsed) = await LoadAsync(client, () => "/students/" + Uri.EscapeDataString(students[0]), TimeSpan.FromSeconds(seconds), tag);
                latencies.Sort();
                var rate = latencies.Count / elapsed.TotalSeconds;
                report.Add(engine, results, "GET /students/{id} If-None-Match (304)", latencies.Count, rate, rate / healthz,
                    Workload.Percentile(latencies, 50), Workload.Percentile(latencies, 99), latencies[^1], "-", "-");
            }
        }

        report.Note($"{Concurrency} concurrent clients in this process, each sending its next request when the last is answered, over HTTP/1.1 on loopback; list pages hold 100 items and start at a random key.");
        report.Note("/ /healthz: the endpoint's req/s over /healthz's, measured first on the same host under the same load (a process-is-up check that touches no data).");
        report.Note("Answers are cached under the data version, which does not move here (no feed): a random key is a miss the first time it is asked for, a hit after. If-None-Match: every request carries the tag of the answer the client holds, and gets a 304.");
        report.Note("SQL alone: the store's query for the same request, called directly in this process one at a time (no HTTP, no concurrency), 2,000 times.");
        report.Note("The load generator shares the machine's 2 cores with the server, so these latencies include its own CPU time.");
        return report;
    }

    private static async Task<List<double>> TimeAsync(Func<Task> call, int count)
    {
        var times = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await call();
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        times.Sort();
        return times;
    }

    internal static async Task<(List<double> Milliseconds, TimeSpan Elapsed)> LoadAsync(
        HttpClient client, Func<string> nextUrl, TimeSpan duration, System.Net.Http.Headers.EntityTagHeaderValue? ifNoneMatch = null)
    {
        var latencies = new List<double>();
        var clock = Stopwatch.StartNew();
        var urlGate = new Lock();
        var workers = Enumerable.Range(0, Concurrency).Select(async _ =>
        {
            var mine = new List<double>();
            while (clock.Elapsed < duration)
            {
                string url;
                lock (urlGate)
                {
                    url = nextUrl();
                }

                var started = Stopwatch.GetTimestamp();
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url, UriKind.Relative));
                if (ifNoneMatch is not null)
                {
                    request.Headers.IfNoneMatch.Add(ifNoneMatch);
                }

                using var response = await client.SendAsync(request);
                await response.Content.ReadAsByteArrayAsync();
                if (response.StatusCode != System.Net.HttpStatusCode.NotModified)
                {
                    response.EnsureSuccessStatusCode();
                }
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            return mine;
        }).ToList();
        foreach (var worker in workers)
        {
            latencies.AddRange(await worker);
        }

        return (latencies, clock.Elapsed);
    }
}
