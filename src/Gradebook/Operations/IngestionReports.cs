using Gradebook.Fleet;
using Gradebook.Ingestion;
using Gradebook.Storage;
using Microsoft.Extensions.Options;

namespace Gradebook.Operations;

/// <summary>
/// The one read of ingestion's status, shown by <c>/ingestion</c>, <c>/fleet</c> and the dashboard's feed page alike:
/// each feed as this instance sees it, its counts and owner from the database.
/// </summary>
internal sealed class IngestionReports(
    FeedCatalog catalog, FeedSupervisor supervisor, FleetStore fleet, FeedStore feeds, IOptions<FleetOptions> options, TimeProvider time)
{
    public async Task<IngestionReport> ReadAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var view = await FleetViewAsync(cancellationToken);
        var reports = new List<FeedReport>();
        foreach (var feed in catalog.Feeds)
        {
            var status = feed.Status.Snapshot(now);
            var counts = await feeds.GetCursorAsync(feed.Name, cancellationToken);
            reports.Add(new FeedReport(
                feed.Name,
                view.OwnerOf(feed.Name),
                status.StateName,
                status.StateSince,
                status.Error,
                counts?.LastEventId ?? status.LastCommittedEventId,
                counts?.Received ?? 0,
                counts?.Accepted ?? 0,
                counts?.Rejected ?? 0,
                counts?.Ignored ?? 0,
                status.Reconnects,
                status.LastEventAt is { } last ? (now - last).TotalSeconds : null,
                status.Pending,
                status.Lag.TotalSeconds,
                status.LastCommitAt));
        }

        return new IngestionReport(supervisor.InstanceId, reports);
    }

    public async Task<FleetReport> ReadFleetAsync(CancellationToken cancellationToken)
    {
        var view = await FleetViewAsync(cancellationToken);
        return new FleetReport([.. view.Instances.Select(i => new InstanceReport(
            i.Id,
            i.StartedAt,
            i.HeartbeatAt,
            [.. view.Owners.Where(o => o.Value == i.Id).Select(o => o.Key).Order(StringComparer.Ordinal)]))]);
    }

    /// <summary>The fleet as the database has it now, on whichever instance is asked.</summary>
    private async Task<FleetView> FleetViewAsync(CancellationToken cancellationToken)
    {
        var instances = await fleet.LiveInstancesAsync(options.Value.InstanceTimeout, cancellationToken);
        var owners = await fleet.FeedOwnersAsync(cancellationToken);
        return new FleetView(instances, owners.ToDictionary(o => o.Source, o => o.Owner, StringComparer.Ordinal));
    }
}
