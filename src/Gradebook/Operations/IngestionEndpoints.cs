using System.Diagnostics.CodeAnalysis;
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

        group.MapGet("/", GetIngestion)
            .WithName("getIngestion")
            .WithSummary("This instance's id, and each feed: its owner, its connection as this instance sees it, counts by outcome (kept across restarts), reconnects and lag.");

        group.MapGet("/rejections", ListRejections)
            .WithName("listRejections")
            .WithSummary("Rejected feed events with their raw data and the reason, oldest first.")
            .CachedByDataVersion();

        routes.MapGet("/fleet", GetFleet)
            .WithName("getFleet")
            .WithTags("Ingestion")
            .RequireAuthorization(Scopes.OperationsRead)
            .WithSummary("The live instances of the fleet, with their last heartbeat and the feeds each owns.");

        return routes;
    }

    private static async Task<Ok<IngestionReport>> GetIngestion(IngestionReports reports, CancellationToken cancellationToken) =>
        TypedResults.Ok(await reports.ReadAsync(cancellationToken));

    private static async Task<Ok<FleetReport>> GetFleet(IngestionReports reports, CancellationToken cancellationToken) =>
        TypedResults.Ok(await reports.ReadFleetAsync(cancellationToken));

    private static async Task<Results<Ok<Page<RejectedEvent>>, ValidationProblem>> ListRejections(
        [AsParameters] PageRequest page, ReadStore store, CancellationToken cancellationToken)
    {
        if (!page.TryValidate(TryParseAfter, 0L, out var start, out var problem))
        {
            return problem;
        }

        var rows = await store.ListRejectionsAsync(start.After, start.Limit + 1, cancellationToken);
        return TypedResults.Ok(Paging.Build(
            rows,
            start.Limit,
            r => new RejectedEvent(r.Id, r.Source, r.EventId, r.EventType, r.Data, r.Reason, r.ReceivedAt),
            last => $"/ingestion/rejections?after={last.Id}&limit={start.Limit}"));
    }

    private static bool TryParseAfter(string text, out long id, [NotNullWhen(false)] out string? error)
    {
        error = long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id) ? null : $"after must be the id of a rejection, got '{text}'.";
        return error is null;
    }
}
