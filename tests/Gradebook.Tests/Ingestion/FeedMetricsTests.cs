using System.Diagnostics.Metrics;
using Gradebook.Feed;
using Gradebook.Ingestion;
using Gradebook.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Gradebook.Tests.Ingestion;

public sealed class FeedMetricsTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 22, 3, 5, 0, TimeSpan.Zero));
    private readonly FeedCatalog _catalog = FeedCatalog.Read(new ConfigurationBuilder().Build());

    private IMeterFactory Meters => _services.GetRequiredService<IMeterFactory>();

    private FeedStatus Status => _catalog.Feeds[0].Status;

    public void Dispose() => _services.Dispose();

    [Fact]
    public void A_committed_batch_counts_its_events_by_outcome_and_records_its_size_and_commit_time()
    {
        using var events = Collect<long>("feed.events");
        using var sizes = Collect<int>("feed.batch.size");
        using var durations = Collect<double>("feed.commit.duration");
        var metrics = new FeedMetrics(Meters, _catalog, _time);

        metrics.Committed(
            "emulator",
            [Scores.Event("amy", 1, 0.5), Scores.Event("bo", 1, 0.9), Scores.Raw("{\"studentId\":\"cy\"}"), Scores.Raw("{}", eventType: "heartbeat")],
            TimeSpan.FromMilliseconds(12));
        metrics.Committed("emulator", [Scores.Event("amy", 2, 0.7)], TimeSpan.FromMilliseconds(3));

        Assert.Equal(3, Total(events, "accepted"));
        Assert.Equal(1, Total(events, "rejected"));
        Assert.Equal(1, Total(events, "ignored"));
        Assert.All(events.GetMeasurementSnapshot(), m => Assert.Equal("emulator", m.Tags["feed"]));
        Assert.Equal([4, 1], sizes.GetMeasurementSnapshot().Select(m => m.Value));
        Assert.Equal([0.012, 0.003], durations.GetMeasurementSnapshot().Select(m => m.Value));
    }

    [Fact]
    public void Each_lost_connection_counts_one_reconnect()
    {
        using var reconnects = Collect<long>("feed.reconnects");
        var metrics = new FeedMetrics(Meters, _catalog, _time);

        metrics.Reconnected("emulator");
        metrics.Reconnected("emulator");

        Assert.Equal(2, reconnects.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.All(reconnects.GetMeasurementSnapshot(), m => Assert.Equal("emulator", m.Tags["feed"]));
    }

    [Fact]
    public void Pending_lag_and_connected_are_read_from_the_feed_status_when_observed()
    {
        using var pending = Collect<long>("feed.pending");
        using var lag = Collect<double>("feed.lag");
        using var connected = Collect<int>("feed.connected");
        _ = new FeedMetrics(Meters, _catalog, _time);

        Status.Enter(ConnectionState.Connected, _time.GetUtcNow());
        Status.Received(_time.GetUtcNow());
        _time.Advance(TimeSpan.FromSeconds(3));
        Status.Received(_time.GetUtcNow());
        _time.Advance(TimeSpan.FromSeconds(2));
        Observe(pending, lag, connected);

        Assert.Equal(2, pending.LastMeasurement?.Value);
        Assert.Equal(5, lag.LastMeasurement?.Value);
        Assert.Equal(1, connected.LastMeasurement?.Value);

        Status.Committed(2, "2", _time.GetUtcNow());
        Status.Enter(ConnectionState.WaitingToReconnect, _time.GetUtcNow());
        Observe(pending, lag, connected);

        Assert.Equal(0, pending.LastMeasurement?.Value);
        Assert.Equal(0, lag.LastMeasurement?.Value);
        Assert.Equal(0, connected.LastMeasurement?.Value);
    }

    private MetricCollector<T> Collect<T>(string instrument)
        where T : struct => new(Meters, GradebookMeter.Name, instrument);

    private static long Total(MetricCollector<long> events, string outcome) =>
        events.GetMeasurementSnapshot().Where(m => (string?)m.Tags["outcome"] == outcome).Sum(m => m.Value);

    private static void Observe(MetricCollector<long> pending, MetricCollector<double> lag, MetricCollector<int> connected)
    {
        pending.RecordObservableInstruments();
        lag.RecordObservableInstruments();
        connected.RecordObservableInstruments();
    }
}
