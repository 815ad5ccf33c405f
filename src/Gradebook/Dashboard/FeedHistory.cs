using Gradebook.Operations;
using Gradebook.Storage;

namespace Gradebook.Dashboard;

/// <summary>One moment of a feed on the dashboard: events stored per second since the previous sample, and the lag.</summary>
internal sealed record FeedPoint(DateTimeOffset At, double EventsPerSecond, double LagSeconds);

/// <summary>One feed's recent points, oldest first.</summary>
internal sealed record FeedTrend(string Feed, IReadOnlyList<FeedPoint> Points)
{
    /// <summary>The rate over the last few samples: a feed's bursts and the writer's batches make one sample jumpy.</summary>
    public double EventsPerSecondNow => Points.Count == 0 ? 0 : Points.TakeLast(FeedHistory.RateSamples).Average(p => p.EventsPerSecond);
}

/// <summary>
/// The last minutes of each feed's rate and lag, sampled from <see cref="IngestionReports"/> in the background, so the
/// feed page's sparklines and the overview's "events per second now" are there as soon as a page opens.
/// </summary>
internal sealed partial class FeedHistory(IngestionReports reports, TimeProvider time, ILogger<FeedHistory> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan Span = TimeSpan.FromMinutes(5);

    /// <summary>How many of the newest samples "events per second now" is averaged over (ten seconds).</summary>
    public const int RateSamples = 5;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Queue<FeedPoint>> _points = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (DateTimeOffset At, long Stored)> _previous = new(StringComparer.Ordinal);

    /// <summary>Each feed's points so far, in the order the feeds are configured.</summary>
    public IReadOnlyList<FeedTrend> Trends()
    {
        lock (_gate)
        {
            return [.. _points.Select(p => new FeedTrend(p.Key, [.. p.Value]))];
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                Record(await reports.ReadAsync(stoppingToken));
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested && TransientFaults.IsTransient(e))
            {
                // A missed sample is a gap in a chart; the next tick tries again.
                LogSampleMissed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private void Record(IngestionReport report)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            foreach (var feed in report.Feeds)
            {
                var stored = feed.Accepted + feed.Rejected + feed.Ignored;
                if (!_points.TryGetValue(feed.Name, out var points))
                {
                    _points[feed.Name] = points = new Queue<FeedPoint>();
                }

                // The first sample of a feed is only where its rate is counted from.
                var seen = _previous.TryGetValue(feed.Name, out var previous);
                _previous[feed.Name] = (now, stored);
                if (!seen || now <= previous.At)
                {
                    continue;
                }

                var rate = Math.Max(0, stored - previous.Stored) / (now - previous.At).TotalSeconds;
                points.Enqueue(new FeedPoint(now, rate, feed.LagSeconds));
                while (points.Peek().At < now - Span)
                {
                    points.Dequeue();
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "The dashboard's feed sample was missed; the next one is taken as usual")]
    private static partial void LogSampleMissed(ILogger logger, Exception exception);
}
