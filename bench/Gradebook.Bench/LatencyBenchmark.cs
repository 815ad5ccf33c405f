using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Gradebook.Emulator;
using Gradebook.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gradebook.Bench;

/// <summary>
/// Visibility latency: at a steady 1,000 events/s, the time from the feed writing an event to the socket to that score
/// being answered by <c>GET /students/{id}</c> of a Gradebook process. The last event of every exam burst is sampled.
/// </summary>
internal static class LatencyBenchmark
{
    private const double EventsPerSecond = 1_000;

    /// <summary>Samples from the first seconds (connection, JIT, first commits) are not counted.</summary>
    private const double WarmUpSeconds = 3;

    public static async Task<Report> RunAsync(BenchOptions options)
    {
        var seconds = options.Seconds ?? 30;
        var report = new Report("latency", ["engine", "rate ev/s", "samples", "p50 ms", "p99 ms", "max ms"]);
        foreach (var engine in options.Engines)
        {
            var feedOptions = Workload.Feed((long)(EventsPerSecond * (seconds + WarmUpSeconds)), EventsPerSecond);
            var sequence = ScoreSequence.All(feedOptions);
            var samples = sequence.GroupBy(e => e.Exam).Select(g => g.Last()).ToList();
            var firstCounted = (long)(EventsPerSecond * WarmUpSeconds);

            var sentAt = new ConcurrentDictionary<long, long>();
            await using var feed = await StartFeedAsync(feedOptions, sentAt);
            using var directory = new TempDirectory();
            var (_, settings) = await Workload.FreshStoreAsync(engine, directory);
            var port = Workload.FreePort();
            using var host = Workload.StartHost(settings, feed.Url, urls: $"http://127.0.0.1:{port}");
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

            var latencies = new List<double>();
            foreach (var sample in samples)
            {
                long sent;
                while (!sentAt.TryGetValue(sample.Id, out sent))
                {
                    await Task.Delay(1);
                }

                while (!await VisibleAsync(client, sample))
                {
                    await Task.Delay(1);
                }

                if (sample.Id > firstCounted)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                }
            }

            latencies.Sort();
            report.Add(engine, EventsPerSecond, latencies.Count, Workload.Percentile(latencies, 50), Workload.Percentile(latencies, 99), latencies[^1]);
        }

        report.Note($"The first {WarmUpSeconds} s of events are a warm-up and not counted.");
        report.Note("sent: when the feed server had written and flushed the event; visible: the first GET /students/{id} that shows its score. Polled every millisecond, so each sample may read up to about 1 ms late.");
        return report;
    }

    private static async Task<bool> VisibleAsync(HttpClient client, EmulatedEvent e)
    {
        using var response = await client.GetAsync(new Uri("/students/" + Uri.EscapeDataString(e.StudentId), UriKind.Relative));
        if (!response.IsSuccessStatusCode)
        {
            return false;
        }

        var student = await response.Content.ReadFromJsonAsync<JsonElement>();
        return student.GetProperty("results").EnumerateArray()
            .Any(r => r.GetProperty("exam").GetInt64() == e.Exam && r.GetProperty("score").GetDouble() >= e.Score);
    }

    /// <summary>The emulated feed, served by this process, noting when each event left.</summary>
    internal static async Task<FeedServer> StartFeedAsync(EmulatorOptions options, ConcurrentDictionary<long, long> sentAt)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options));
        builder.Services.AddSingleton<ScoreFeed>();
        var app = builder.Build();
        app.MapGet("/scores", async (HttpContext context, ScoreFeed feed) =>
        {
            context.Response.ContentType = "text/event-stream";
            var position = feed.StartPosition(context.Request.Headers["Last-Event-ID"], out _) ?? 0;
            while (!context.RequestAborted.IsCancellationRequested)
            {
                var events = await feed.NextAsync(position, 4_096, TimeSpan.FromSeconds(5), context.RequestAborted);
                foreach (var e in events)
                {
                    context.Response.BodyWriter.Write(e.Frame);
                }

                await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
                var now = Stopwatch.GetTimestamp();
                foreach (var e in events)
                {
                    sentAt[e.Id] = now;
                    position = e.Id;
                }
            }
        });
        await app.StartAsync();
        return new FeedServer(app);
    }

    internal sealed class FeedServer(WebApplication app) : IAsyncDisposable
    {
        public Uri Url { get; } = new(new Uri(app.Urls.First()), "/scores");

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
