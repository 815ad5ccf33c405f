using System.Globalization;
using Gradebook.Api;
using Gradebook.Auth;
using Gradebook.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

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

        group.MapGet("/", async (IngestionReports reports, CancellationToken cancellationToken) =>
            TypedResults.Ok(await reports.ReadAsync(cancellationToken)))
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

        routes.MapGet("/fleet", async (IngestionReports reports, CancellationToken cancellationToken) =>
                TypedResults.Ok(await reports.ReadFleetAsync(cancellationToken)))
            .WithTags("Ingestion")
            .RequireAuthorization(Scopes.OperationsRead)
            .WithSummary("The live instances of the fleet, with their last heartbeat and the feeds each owns.");

        return routes;
    }
}
