using System.Globalization;
using Gradebook.Api;
using Gradebook.Auth;
using Gradebook.Feed;
using Gradebook.Fleet;
using Gradebook.Ingestion;
using Gradebook.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Gradebook.Operations;

/// <summary>What this instance is, and each configured feed: who owns it, what this instance sees of it, and its counts.</summary>
internal sealed record IngestionReport(string Instance, IReadOnlyList<FeedReport> Feeds);

/// <summary>
/// One feed: its owner (a live instance, or null), its state as this instance sees it (<c>standby</c> where another
/// instance ingests it), and its resume point and counts from the database, the same on every instance.
/// </summary>
internal sealed record FeedReport(
    string Name,
    string? Owner,
    string State,
    DateTimeOffset? StateSince,
    string? LastError,
    string? LastCommittedEventId,
    long Received,
    long Accepted,
    long Rejected,
    long Ignored,
    long Reconnects,
    double? SecondsSinceLastEvent,
    long PendingEvents,
    double LagSeconds,
    DateTimeOffset? LastCommitAt);

/// <summary>The live instances of the fleet, each with its last heartbeat and the feeds it owns.</summary>
internal sealed record FleetReport(IReadOnlyList<InstanceReport> Instances);

internal sealed record InstanceReport(string Id, DateTimeOffset StartedAt, DateTimeOffset HeartbeatAt, IReadOnlyList<string> Feeds);

/// <summary>A rejected feed event as it was received, with why it was rejected.</summary>
internal sealed record RejectedEvent(long Id, string Source, string? EventId, string EventType, string Data, string Reason, DateTimeOffset ReceivedAt);

internal static class IngestionEndpoints
{
    public static IEndpointRouteBuilder MapIngestion(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/ingestion").WithTags("Ingestion").RequireAuthorization(Scopes.OperationsRead);

        group.MapGet("/", async (
            FeedCatalog catalog, FeedSupervisor supervisor, FleetStore fleet, FeedStore store, IOptions<FleetOptions> options, TimeProvider time,
            CancellationToken cancellationToken) =>
        {
            var now = time.GetUtcNow();
            var view = await FleetViewAsync(fleet, options.Value, cancellationToken);
            var feeds = new List<FeedReport>();
            foreach (var feed in catalog.Feeds)
            {
                var status = feed.Status.Snapshot(now);
                var counts = await store.GetCursorAsync(feed.Name, cancellationToken);
                feeds.Add(new FeedReport(
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

            return TypedResults.Ok(new IngestionReport(supervisor.InstanceId, feeds));
        })
        .WithSummary("This instance's id, and each feed: its owner, its connection as this instance sees it, counts by outcome (kept across restarts), reconnects and lag.");

        group.MapGet("/rejections", async Task<Results<Ok<Page<RejectedEvent>>, ValidationProblem>> (
            string? limit, string? after, ReadStore store, CancellationToken cancellationToken) =>
        {
            if (!Paging.TryParseLimit(limit, out var pageSize, out var error))
            {
                return Problems.Invalid("limit", error!);
            }

            var from = 0L;
            if (after is not null && !long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out from))
            {
                return Problems.Invalid("after", $"after must be the id of a rejection, got '{after}'.");
            }

            var rows = await store.ListRejectionsAsync(from, pageSize + 1, cancellationToken);
            return TypedResults.Ok(Paging.Build(
                rows,
                pageSize,
                r => new RejectedEvent(r.Id, r.Source, r.EventId, r.EventType, r.Data, r.Reason, r.ReceivedAt),
                last => $"/ingestion/rejections?after={last.Id}&limit={pageSize}"));
        })
        .WithSummary("Rejected feed events with their raw data and the reason, oldest first.")
        .CachedByDataVersion();

        routes.MapGet("/fleet", async (FleetStore fleet, IOptions<FleetOptions> options, CancellationToken cancellationToken) =>
            {
                var view = await FleetViewAsync(fleet, options.Value, cancellationToken);
                return TypedResults.Ok(new FleetReport([.. view.Instances.Select(i => new InstanceReport(
                    i.Id,
                    i.StartedAt,
                    i.HeartbeatAt,
                    [.. view.Owners.Where(o => o.Value == i.Id).Select(o => o.Key).Order(StringComparer.Ordinal)]))]));
            })
            .WithTags("Ingestion")
            .RequireAuthorization(Scopes.OperationsRead)
            .WithSummary("The live instances of the fleet, with their last heartbeat and the feeds each owns.");

        return routes;
    }

    /// <summary>The fleet as the database has it now, on whichever instance is asked.</summary>
    private static async Task<FleetView> FleetViewAsync(FleetStore fleet, FleetOptions options, CancellationToken cancellationToken)
    {
        var instances = await fleet.LiveInstancesAsync(options.InstanceTimeout, cancellationToken);
        var owners = await fleet.FeedOwnersAsync(cancellationToken);
        return new FleetView(instances, owners.ToDictionary(o => o.Source, o => o.Owner, StringComparer.Ordinal));
    }
}
