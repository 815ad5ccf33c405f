using System.Diagnostics.Metrics;
using Gradebook.Grading;

namespace Gradebook.Ingestion;

/// <summary>The ingestion's instruments, on the <c>Gradebook</c> meter; every measurement carries the feed's name as <c>feed</c>.</summary>
internal sealed class FeedMetrics
{
    private readonly Counter<long> _events;
    private readonly Histogram<int> _batchSize;
    private readonly Histogram<double> _commitDuration;
    private readonly Counter<long> _reconnects;
    private readonly Counter<long> _commitFailures;

    public FeedMetrics(IMeterFactory meters, FeedCatalog catalog, TimeProvider time)
    {
        var meter = meters.Create(GradebookMeter.Name);
        _events = meter.CreateCounter<long>("feed.events", "{event}", "Feed events committed, by outcome.");
        _batchSize = meter.CreateHistogram<int>("feed.batch.size", "{event}", "Events per committed batch.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 10, 100, 500, 1000, 2000, 4096, 10000] });
        _commitDuration = meter.CreateHistogram<double>("feed.commit.duration", "s", "Time to commit one batch.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5] });
        _reconnects = meter.CreateCounter<long>("feed.reconnects", "{reconnect}", "Times the feed connection was lost or refused.");
        _commitFailures = meter.CreateCounter<long>("feed.commit.failures", "{failure}",
            "Commit attempts that failed, by kind: transient (retried) or permanent (not retried; the feed is failing).");
        meter.CreateObservableGauge("feed.failing", () => Each(catalog, f => f.Status.Failing ? 1 : 0), "{feed}",
            "1 while the feed's commits fail past Feed:FailingAfter, or failed with a fault that is not retried.");
        meter.CreateObservableGauge("feed.lagging", () => Each(catalog, f => f.Status.Lagging(time.GetUtcNow()) ? 1 : 0), "{feed}",
            "1 while the feed is connected but behind past Feed:MaxLag or Feed:MaxPending.");
        meter.CreateObservableGauge("feed.pending", () => Each(catalog, f => f.Status.Pending), "{event}", "Events received but not yet committed.");
        meter.CreateObservableGauge("feed.lag", () => Each(catalog, f => f.Status.Lag(time.GetUtcNow()).TotalSeconds), "s",
            "Age of the oldest event received but not yet committed (0 when all are committed).");
        meter.CreateObservableGauge("feed.connected", () => Each(catalog, f => f.Status.State == ConnectionState.Connected ? 1 : 0), "{connection}",
            "1 while this instance is connected to the feed.");

        // Zero from start-up on, so a scrape shows every feed's series before anything has happened.
        foreach (var feed in catalog.Feeds)
        {
            Count(feed.Name, new OutcomeCounts(0, 0, 0));
            _reconnects.Add(0, Tag(feed.Name));
            _commitFailures.Add(0, Tag(feed.Name), Kind(transient: true));
            _commitFailures.Add(0, Tag(feed.Name), Kind(transient: false));
        }
    }

    public void Committed(string feed, IReadOnlyList<FeedEvent> batch, TimeSpan duration)
    {
        Count(feed, FeedEvent.CountOutcomes(batch));
        var tag = Tag(feed);
        _batchSize.Record(batch.Count, tag);
        _commitDuration.Record(duration.TotalSeconds, tag);
    }

    public void Reconnected(string feed) => _reconnects.Add(1, Tag(feed));

    public void CommitFailed(string feed, bool transient) => _commitFailures.Add(1, Tag(feed), Kind(transient));

    private static KeyValuePair<string, object?> Kind(bool transient) => new("kind", transient ? "transient" : "permanent");

    private void Count(string feed, OutcomeCounts counts)
    {
        var tag = Tag(feed);
        _events.Add(counts.Accepted, tag, new KeyValuePair<string, object?>("outcome", "accepted"));
        _events.Add(counts.Rejected, tag, new KeyValuePair<string, object?>("outcome", "rejected"));
        _events.Add(counts.Ignored, tag, new KeyValuePair<string, object?>("outcome", "ignored"));
    }

    private static KeyValuePair<string, object?> Tag(string feed) => new("feed", feed);

    private static IEnumerable<Measurement<T>> Each<T>(FeedCatalog catalog, Func<IngestedFeed, T> value)
        where T : struct =>
        catalog.Feeds.Select(f => new Measurement<T>(value(f), Tag(f.Name)));
}
