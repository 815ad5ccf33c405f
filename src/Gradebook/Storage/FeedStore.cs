using Gradebook.Grading;

namespace Gradebook.Storage;

/// <summary>The feed's writes: each batch with its raw record, its results and the feed's cursor, in one transaction.</summary>
internal sealed class FeedStore(StoreEngine engine)
{
    /// <summary>Writes one batch of feed events in one transaction: the raw record, the results, the aggregates and the feed's cursor.</summary>
    public async Task WriteBatchAsync(string source, IReadOnlyList<FeedEvent> events, CancellationToken cancellationToken)
    {
        await using var connection = await engine.OpenAsync(cancellationToken);
        await using var transaction = await engine.BeginWriteAsync(connection, cancellationToken);
        await engine.InsertRawEventsAsync(connection, transaction, source, events, cancellationToken);
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
