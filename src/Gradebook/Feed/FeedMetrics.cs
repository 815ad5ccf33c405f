using System.Diagnostics.Metrics;

using Gradebook.Grading;

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
        _events = meter.CreateCounter<long>("feed.events", "{event}", "Feed events committed, by outcome.");
        _batchSize = meter.CreateHistogram<int>("feed.batch.size", "{event}", "Events per committed batch.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 10, 100, 500, 1000, 2000, 4096, 10000] });
        _commitDuration = meter.CreateHistogram<double>("feed.commit.duration", "s", "Time to commit one batch.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5] });
        _reconnects = meter.CreateCounter<long>("feed.reconnects", "{reconnect}", "Times the feed connection was lost or refused.");
        meter.CreateObservableGauge("feed.pending", () => status.Pending, "{event}", "Events received but not yet committed.");
        meter.CreateObservableGauge("feed.lag", () => status.Lag(time.GetUtcNow()).TotalSeconds, "s",
            "Age of the oldest event received but not yet committed (0 when all are committed).");
        meter.CreateObservableGauge("feed.connected", () => status.State == ConnectionState.Connected ? 1 : 0, "{connection}",
            "1 while connected to the feed.");
    }

    public void Committed(IReadOnlyList<FeedEvent> batch, TimeSpan duration)
    {
        var (accepted, rejected, ignored) = FeedEvent.CountOutcomes(batch);
        _events.Add(accepted, new KeyValuePair<string, object?>("outcome", "accepted"));
        _events.Add(rejected, new KeyValuePair<string, object?>("outcome", "rejected"));
        _events.Add(ignored, new KeyValuePair<string, object?>("outcome", "ignored"));
        _batchSize.Record(batch.Count);
        _commitDuration.Record(duration.TotalSeconds);
    }

    public void Reconnected() => _reconnects.Add(1);
}
