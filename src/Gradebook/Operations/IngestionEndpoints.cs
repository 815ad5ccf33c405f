using System.Globalization;
using Gradebook.Api;
using Gradebook.Feed;
using Gradebook.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gradebook.Operations;

/// <summary>What the feed reader is doing, for the people who run Gradebook.</summary>
internal sealed record IngestionReport(
    string? Source,
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

/// <summary>A rejected feed event as it was received, with why it was rejected.</summary>
internal sealed record RejectedEvent(long Id, string Source, string? EventId, string EventType, string Data, string Reason, DateTimeOffset ReceivedAt);

internal static class IngestionEndpoints
{
    public static IEndpointRouteBuilder MapIngestion(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/ingestion").WithTags("Ingestion");

        group.MapGet("/", async (FeedStatus status, FeedStore store, TimeProvider time, CancellationToken cancellationToken) =>
        {
            var now = time.GetUtcNow();
            var feed = status.Snapshot(now);
            var counts = feed.Source is { } source ? await store.GetCursorAsync(source, cancellationToken) : null;
            return TypedResults.Ok(new IngestionReport(
                feed.Source,
                StateName(feed.State),
                feed.StateSince,
                feed.LastError,
                counts?.LastEventId ?? feed.LastCommittedEventId,
                counts?.Received ?? 0,
                counts?.Accepted ?? 0,
                counts?.Rejected ?? 0,
                counts?.Ignored ?? 0,
                feed.Reconnects,
                feed.LastEventAt is { } last ? (now - last).TotalSeconds : null,
                feed.Pending,
                feed.Lag.TotalSeconds,
                feed.LastCommitAt));
        })
        .WithSummary("The feed connection, counts of received events by outcome (kept across restarts), reconnects and lag.");

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

        return routes;
    }

    public static string StateName(ConnectionState state) => state switch
    {
        ConnectionState.Starting => "starting",
        ConnectionState.Connecting => "connecting",
        ConnectionState.Connected => "connected",
        ConnectionState.WaitingToReconnect => "waiting-to-reconnect",
        ConnectionState.Stopped => "stopped",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };
}
