using Gradebook.Operations;
using Microsoft.Extensions.Options;

namespace Gradebook.Feed;

/// <summary>One log line per <see cref="FeedOptions.SummaryInterval"/> while events flow, instead of one per event.</summary>
internal sealed partial class IngestionSummary(
    FeedStatus status,
    IOptions<FeedOptions> options,
    TimeProvider time,
    ILogger<IngestionSummary> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.SummaryInterval;
        if (!options.Value.Enabled || interval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval, time);
        var before = status.ReceivedSinceStart;
        var since = time.GetTimestamp();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var total = status.ReceivedSinceStart;
                var now = time.GetTimestamp();
                var count = total - before;
                if (count > 0)
                {
                    var seconds = time.GetElapsedTime(since, now).TotalSeconds;
                    var noun = Counted.Noun(count, "event", "events");
                    var lastEventId = status.LastCommittedEventId ?? "none";
                    var lag = status.Lag(time.GetUtcNow()).TotalSeconds;
                    LogSummary(count, noun, seconds, count / seconds, total, lastEventId, lag);
                }

                before = total;
                since = now;
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Ingested {Count} {EventNoun} in the last {Seconds:F0} s ({Rate:F1}/s); {Total} since start; last committed event {LastEventId}; lag {LagSeconds:F2} s")]
    private partial void LogSummary(long count, string eventNoun, double seconds, double rate, long total, string lastEventId, double lagSeconds);
}
