using System.Data.Common;
using Gradebook.Grading;

namespace Gradebook.Storage;

/// <summary>The feed's writes: each batch with its raw record, its results and the feed's cursor, in one transaction.</summary>
internal sealed class FeedStore(StoreEngine engine)
{
    /// <summary>
    /// Writes one batch of the leased feed's events in one transaction: the raw record, the results, the aggregates and
    /// the feed's cursor, after proving inside the transaction that the lease still holds the feed.
    /// </summary>
    public async Task WriteBatchAsync(FeedLease lease, IReadOnlyList<FeedEvent> events, CancellationToken cancellationToken)
    {
        var (connection, owned) = await lease.ConnectionAsync(cancellationToken);
        try
        {
            await WriteBatchAsync(lease, connection, events, cancellationToken);
        }
        finally
        {
            if (owned)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private async Task WriteBatchAsync(FeedLease lease, DbConnection connection, IReadOnlyList<FeedEvent> events, CancellationToken cancellationToken)
    {
        var source = lease.Feed;
        await using var transaction = await engine.BeginWriteAsync(connection, cancellationToken);
        await lease.ProveAsync(connection, transaction, cancellationToken);
        await engine.InsertRawBatchAsync(connection, transaction, source, events, cancellationToken);
        await engine.MergeAsync(connection, transaction, AcceptedResults(events), cancellationToken);
        var counts = FeedEvent.CountOutcomes(events);
        await engine.ExecuteAsync(
            connection,
            transaction,
            Sql.AdvanceFeed,
            new
            {
                source,
                last_event_id = LastEventId(events),
                received = (long)events.Count,
                accepted = counts.Accepted,
                rejected = counts.Rejected,
                ignored = counts.Ignored,
            },
            cancellationToken);
        await engine.CommitAsync(connection, transaction, cancellationToken);
    }

    /// <summary>Where a feed resumes and its counts, or null for a feed never written to.</summary>
    public async Task<FeedCursor?> GetCursorAsync(string source, CancellationToken cancellationToken) =>
        (await engine.QueryAsync<FeedCursor>(Sql.GetFeed, new { source }, cancellationToken)).SingleOrDefault();

    private static IEnumerable<MarkedResult> AcceptedResults(IReadOnlyList<FeedEvent> events)
    {
        foreach (var e in events)
        {
            if (e.Score is { } score)
            {
                yield return score.AsResult();
            }
        }
    }

    /// <summary>The id of the last event in the batch that carried one: where the feed resumes after this batch.</summary>
    private static string? LastEventId(IReadOnlyList<FeedEvent> events)
    {
        for (var i = events.Count - 1; i >= 0; i--)
        {
            if (events[i].EventId is { } id)
            {
                return id;
            }
        }

        return null;
    }
}
