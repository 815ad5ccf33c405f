namespace Gradebook.Ingestion;

/// <summary>One log line per feed per <see cref="FeedOptions.SummaryInterval"/> while its events flow, instead of one per event.</summary>
internal sealed partial class IngestionSummary(
    FeedCatalog catalog,
    TimeProvider time,
    ILogger<IngestionSummary> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = catalog.Feeds.Min(f => f.Options.SummaryInterval);
        if (!catalog.Enabled || interval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval, time);
        var before = catalog.Feeds.ToDictionary(f => f.Name, f => f.Status.ReceivedSinceStart);
        var since = time.GetTimestamp();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = time.GetTimestamp();
                var seconds = time.GetElapsedTime(since, now).TotalSeconds;
                foreach (var feed in catalog.Feeds)
                {
                    var total = feed.Status.ReceivedSinceStart;
                    var count = total - before[feed.Name];
                    if (count > 0)
                    {
                        var noun = Counted.Noun(count, "event", "events");
                        var lastEventId = feed.Status.LastCommittedEventId ?? "none";
                        var lag = feed.Status.Lag(time.GetUtcNow()).TotalSeconds;
                        LogSummary(feed.Name, count, noun, seconds, count / seconds, total, lastEventId, lag);
                    }

                    before[feed.Name] = total;
                }

                since = now;
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Feed {Feed}: ingested {Count} {EventNoun} in the last {Seconds:F0} s ({Rate:F1}/s); {Total} since start; last committed event {LastEventId}; lag {LagSeconds:F2} s")]
    private partial void LogSummary(string feed, long count, string eventNoun, double seconds, double rate, long total, string lastEventId, double lagSeconds);
}
