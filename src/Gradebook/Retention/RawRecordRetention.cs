using System.Diagnostics.Metrics;
using Gradebook.Storage;

namespace Gradebook.Retention;

/// <summary>A period retention dropped: what it held, and its archive's path when it was archived.</summary>
internal sealed record DroppedPeriod(RawRecordPeriod Period, RawRecordCounts Counts, string? Archive);

/// <summary>
/// One pass of the retention policy over the raw record: every period that ended before the cutoff, oldest first, is
/// archived (when there is a directory for it) and then dropped. Results and everything derived stay; what a
/// <c>rebuild</c> can do afterwards is logged with each drop (<see cref="RawRecordStore.DropsAsync"/>).
/// </summary>
internal sealed partial class RawRecordRetention(RawRecordStore store, TimeProvider time, ILogger<RawRecordRetention> logger, RetentionMetrics metrics)
{
    /// <summary>Drops every period of the raw record that ended more than <paramref name="keep"/> ago, archiving each first when <paramref name="archiveDirectory"/> is given.</summary>
    public async Task<IReadOnlyList<DroppedPeriod>> RunAsync(TimeSpan keep, string? archiveDirectory, CancellationToken cancellationToken)
    {
        await using var pass = await store.TryLockAsync(cancellationToken);
        if (pass is null)
        {
            LogElsewhere(logger);
            return [];
        }

        var cutoff = time.GetUtcNow() - keep;
        var dropped = new List<DroppedPeriod>();
        RawRecordPeriod? previous = null;
        while (await store.OldestBeforeAsync(cutoff, cancellationToken) is { } period)
        {
            if (period == previous)
            {
                throw new InvalidOperationException($"The raw record's period {period} was dropped, yet it is still there.");
            }

            previous = period;
            var (archive, counts) = archiveDirectory is null
                ? (null, await store.CountAsync(period, cancellationToken))
                : await RawRecordArchive.WriteAsync(archiveDirectory, period, store.ReadAsync(period, cancellationToken), cancellationToken);
            await store.DropAsync(period, counts, archive, time.GetUtcNow(), cancellationToken);
            LogDropped(logger, period.Name, counts, archive ?? "no archive");
            metrics.Dropped(counts);
            dropped.Add(new DroppedPeriod(period, counts, archive));
        }

        return dropped;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention is running on another instance of the fleet; this one skips its pass.")]
    private static partial void LogElsewhere(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention dropped the raw record of {Period}: {Counts}; {Archive}.")]
    private static partial void LogDropped(ILogger logger, string period, RawRecordCounts counts, string archive);
}

/// <summary>What retention has done and whether it is failing: for <c>/readyz</c> and <c>/metrics</c>.</summary>
internal sealed class RetentionMetrics
{
    private readonly Counter<long> _periods;
    private readonly Counter<long> _events;
    private readonly Counter<long> _failures;
    private readonly Lock _lock = new();
    private int _failingPasses;
    private DateTimeOffset? _failingSince;
    private string? _lastError;
    private DateTimeOffset? _lastSuccess;

    public RetentionMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(GradebookMeter.Name);
        _periods = meter.CreateCounter<long>("retention.dropped.periods", "{period}", "Periods of the raw record retention dropped.");
        _events = meter.CreateCounter<long>("retention.dropped.events", "{event}", "Feed events of the raw record retention dropped.");
        _failures = meter.CreateCounter<long>("retention.failures", "{failure}", "Passes of retention (partitions made ahead, periods dropped) that failed.");
        meter.CreateObservableGauge("retention.failing", () => Snapshot().FailingPasses > 0 ? 1 : 0, "{state}",
            "1 while retention's last pass failed.");

        // At zero from start-up on, so a dashboard's rate and an alert see the series before the first drop or failure.
        _periods.Add(0);
        _events.Add(0);
        _failures.Add(0);
    }

    public void Dropped(RawRecordCounts counts)
    {
        _periods.Add(1);
        _events.Add(counts.Events);
    }

    public void Succeeded(DateTimeOffset at)
    {
        lock (_lock)
        {
            (_failingPasses, _failingSince, _lastError, _lastSuccess) = (0, null, null, at);
        }
    }

    public void Failed(DateTimeOffset at, string error)
    {
        _failures.Add(1);
        lock (_lock)
        {
            _failingPasses++;
            _failingSince ??= at;
            _lastError = error;
        }
    }

    public RetentionState Snapshot()
    {
        lock (_lock)
        {
            return new RetentionState(_failingPasses, _failingSince, _lastError, _lastSuccess);
        }
    }
}

/// <summary>Retention's state: how many passes in a row failed, since when, the last error, and the last pass that did not.</summary>
internal sealed record RetentionState(int FailingPasses, DateTimeOffset? FailingSince, string? LastError, DateTimeOffset? LastSuccess);
