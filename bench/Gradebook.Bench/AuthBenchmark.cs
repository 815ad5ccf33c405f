using Gradebook.Auth;
using Gradebook.Tests.Support;

namespace Gradebook.Bench;

/// <summary>
/// What API-key authentication costs a read: two Gradebook processes over the same store, one open (no authentication,
/// loopback) and one that requires a key, loaded in turn with the same requests.
/// </summary>
internal static class AuthBenchmark
{
    private const int Rounds = 2;

    public static async Task<Report> RunAsync(BenchOptions options)
    {
        var events = options.Events ?? 100_000;
        var seconds = options.Seconds ?? 5;
        var report = new Report("auth", ["engine", "endpoint", "authentication", "requests", "req/s", "p50 ms", "p99 ms"]);
        foreach (var engine in options.Engines)
        {
            using var directory = new TempDirectory();
            var (store, settings) = await Workload.FreshStoreAsync(engine, directory);
            var sent = Emulator.ScoreSequence.All(Workload.Feed(events));
            await Workload.StoreAsync(store, sent);

            var students = sent.Select(e => e.StudentId).Distinct().Order(StringComparer.Ordinal).ToArray();
            var exams = sent.Select(e => e.Exam).Distinct().Order().ToArray();

            var key = ApiKeys.Generate();
            var keyed = new Dictionary<string, string>(settings)
            {
                ["Auth__ApiKeys__bench__Sha256"] = ApiKeys.Hash(key),
                ["Auth__ApiKeys__bench__Scopes"] = Scopes.ScoresRead,
                // The limiter still runs for every request; its limit is set out of reach so that only its cost is measured.
                ["RateLimits__Reads__PermitLimit"] = "1000000000",
            };
            var (openPort, keyedPort) = (Workload.FreePort(), Workload.FreePort());
            using var openHost = Workload.StartHost(settings, feed: null, urls: $"http://127.0.0.1:{openPort}");
            using var keyedHost = Workload.StartHost(keyed, feed: null, urls: $"http://127.0.0.1:{keyedPort}");
            using var open = Client(openPort, key: null);
            using var withKey = Client(keyedPort, key);
            await Workload.WaitUntilUpAsync(open, openHost);
            await Workload.WaitUntilUpAsync(withKey, keyedHost);

            var random = new Random(1);
            var endpoints = new (string Name, Func<string> Url)[]
            {
                ("GET /exams?after=", () => $"/exams?limit=100&after={exams[random.Next(exams.Length)]}"),
                ("GET /students/{id}", () => "/students/" + Uri.EscapeDataString(students[random.Next(students.Length)])),
            };
            foreach (var (name, url) in endpoints)
            {
                var measured = new Dictionary<string, List<double>> { ["off"] = [], ["API key"] = [] };
                var elapsed = new Dictionary<string, TimeSpan> { ["off"] = TimeSpan.Zero, ["API key"] = TimeSpan.Zero };
                for (var round = 0; round < Rounds; round++)
                {
                    foreach (var (mode, client) in new[] { ("off", open), ("API key", withKey) })
                    {
                        await QueryBenchmark.LoadAsync(client, url, TimeSpan.FromSeconds(1)); // warm-up
                        var (latencies, took) = await QueryBenchmark.LoadAsync(client, url, TimeSpan.FromSeconds(seconds));
                        measured[mode].AddRange(latencies);
                        elapsed[mode] += took;
                    }
                }

                foreach (var (mode, latencies) in measured)
                {
                    latencies.Sort();
                    report.Add(engine, name, mode, latencies.Count, latencies.Count / elapsed[mode].TotalSeconds,
                        Workload.Percentile(latencies, 50), Workload.Percentile(latencies, 99));
                }

                var change = (measured["API key"].Count / elapsed["API key"].TotalSeconds) / (measured["off"].Count / elapsed["off"].TotalSeconds) - 1;
                Console.WriteLine($"  {engine} {name}: with an API key, {change:+0.0%;-0.0%} requests per second, p50 {Workload.Percentile(measured["API key"], 50) - Workload.Percentile(measured["off"], 50):+0.000;-0.000} ms");
            }
        }

        report.Note($"Two Gradebook processes over the same store at once: one open (no authentication), one requiring an API key ('Authorization: Bearer'); {QueryBenchmark.Concurrency} concurrent clients each, loaded in turn, {Rounds} rounds of {seconds} s per endpoint and mode after a 1 s warm-up.");
        report.Note("Both run authorization and the rate limiter middleware; the open one admits the anonymous loopback client without a key lookup or a limiter partition.");
        return report;
    }

    private static HttpClient Client(int port, string? key)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = QueryBenchmark.Concurrency })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
        };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }
}
