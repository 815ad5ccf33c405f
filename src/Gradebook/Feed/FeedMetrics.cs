using System.Diagnostics.Metrics;

namespace Gradebook.Feed;

/// <summary>The ingestion's instruments, on the <c>Gradebook</c> meter.</summary>
internal sealed class FeedMetrics
{
    public const string MeterName = "Gradebook";

    private readonly Counter<long> _events;
    private readonly Histogram<int> _batchSize;
    private readonly Histogram<double> _commitDuration;
    private readonly Counter<long> _reconnects;

    public FeedMetrics(IMeterFactory meters, FeedStatus status, TimeProvider time)
    {
        var meter = meters.Create(MeterName);
        _events = meter.CreateCounter<long>("gradebook.feed.events", "{event}", "Feed events committed, by outcome.");
        _batchSize = meter.CreateHistogram<int>("gradebook.feed.batch.size", "{event}", "Events per committed batch.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 10, 100, 500, 1000, 2000, 4096, 10000] });
        _commitDuration = meter.CreateHistogram<double>("gradebook.feed.commit.duration", "s", "Time to commit one batch.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5] });
        _reconnects = meter.CreateCounter<long>("gradebook.feed.reconnects", "{reconnect}", "Times the feed connection was lost or refused.");
        meter.CreateObservableGauge("gradebook.feed.pending", () => status.Pending, "{event}", "Events received but not yet committed.");
        meter.CreateObservableGauge("gradebook.feed.lag", () => status.Lag(time.GetUtcNow()).TotalSeconds, "s",
            "Age of the oldest event received but not yet committed (0 when all are committed).");
        meter.CreateObservableGauge("gradebook.feed.connected", () => status.State == ConnectionState.Connected ? 1 : 0, "{connection}",
            "1 while connected to the feed.");

        // Zero from start-up on, so a scrape shows every series before anything has happened.
        Count(0, 0, 0);
        _reconnects.Add(0);
    }

    public void Committed(IReadOnlyList<FeedEvent> batch, TimeSpan duration)
    {
        var (accepted, rejected, ignored) = FeedEvent.CountOutcomes(batch);
        Count(accepted, rejected, ignored);
        _batchSize.Record(batch.Count);
        _commitDuration.Record(duration.TotalSeconds);
    }

    public void Reconnected() => _reconnects.Add(1);

    private void Count(long accepted, long rejected, long ignored)
    {
        _events.Add(accepted, new KeyValuePair<string, object?>("outcome", "accepted"));
        _events.Add(rejected, new KeyValuePair<string, object?>("outcome", "rejected"));
        _events.Add(ignored, new KeyValuePair<string, object?>("outcome", "ignored"));
    }
}
