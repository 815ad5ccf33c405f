using System.Data.Common;
using Dapper;
using Gradebook.Grading;

namespace Gradebook.Storage;

/// <summary>
/// The write path, top to bottom. A feed's batch goes through these steps in this order, in one transaction, on
/// every engine: fence (prove the lease) → record (the raw record and its rejections) → stage → lock → merge →
/// advance (the feed's cursor) → commit (the data version moves in the same transaction). An imported document and a
/// rebuild reuse the middle and the end (<see cref="MergeAsync"/>, <see cref="CommitAsync"/>). The order lives here
/// only; the engine supplies the pieces: connections, transactions, bulk paths, and the SQL files it replaces.
/// </summary>
internal sealed class BatchWriter(StoreEngine engine)
{
    private long _committedVersion;

    /// <summary>
    /// The newest data version this process has committed, 0 before its first commit: <see cref="DataVersionSource"/>
    /// answers no older than this, so an instance reads its own writes before it hears of them.
    /// </summary>
    public long CommittedVersion => Volatile.Read(ref _committedVersion);

    /// <summary>
    /// Writes one batch of the leased feed's events in one transaction: its raw record, its results and aggregates, and
    /// the feed's cursor, after proving inside the transaction that the lease still holds the feed. Throws
    /// <see cref="FeedLeaseLostException"/> when it does not: nothing of the batch is then committed.
    /// </summary>
    public async Task WriteFeedBatchAsync(FeedLease lease, IReadOnlyList<FeedEvent> events, CancellationToken cancellationToken)
    {
        var (connection, owned) = await lease.ConnectionAsync(cancellationToken);
        try
        {
            await using var transaction = await engine.BeginWriteAsync(connection, cancellationToken);

            // Fence: a holder that has lost the feed commits nothing more of it.
            await lease.ProveAsync(connection, transaction, cancellationToken);

            // Record: every event as received, so everything below can be derived again (rebuild).
            await RecordAsync(connection, transaction, lease.Feed, events, cancellationToken);

            // Stage, lock, merge: the accepted scores fold into the results by the highest-marks rule.
            await MergeAsync(connection, transaction, AcceptedResults(events), cancellationToken);

            // Advance: where the feed resumes, and its counts, move with the results they describe.
            var counts = FeedEvent.CountOutcomes(events);
            await engine.ExecuteAsync(
                connection,
                transaction,
                Sql.AdvanceFeed,
                new
                {
                    source = lease.Feed,
                    last_event_id = LastEventId(events),
                    received = (long)events.Count,
                    accepted = counts.Accepted,
                    rejected = counts.Rejected,
                    ignored = counts.Ignored,
                },
                cancellationToken);

            await CommitAsync(connection, transaction, cancellationToken);
        }
        finally
        {
            if (owned)
            {
                await connection.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Stage → lock → merge, inside the caller's transaction: the results are loaded into <c>incoming_results</c>
    /// through the engine's bulk path, every staged student gets its row (and on PostgreSQL its lock, in one global
    /// order), then the results and aggregates take the highest marks and the change log records what changed.
    /// </summary>
    public async Task MergeAsync(DbConnection connection, DbTransaction transaction, IEnumerable<MarkedResult> results, CancellationToken cancellationToken)
    {
        await engine.ExecuteAsync(connection, transaction, Sql.CreateStaging, null, cancellationToken);
        await engine.StageResultsAsync(connection, transaction, results, cancellationToken);
        await engine.ExecuteAsync(connection, transaction, Sql.LockStudents, null, cancellationToken);
        await engine.ExecuteAsync(connection, transaction, Sql.MergeResults, null, cancellationToken);
    }

    /// <summary>
    /// Commits a write transaction: the data version moves forward as its last statement (on PostgreSQL announcing it
    /// to every instance), so every read's tag and cached answer follow the data; then the engine's upkeep.
    /// </summary>
    public async Task CommitAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var version = await connection.ExecuteScalarAsync<long>(
            new CommandDefinition(engine.Text(Sql.BumpDataVersion), null, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        DataVersionSource.RaiseTo(ref _committedVersion, version);
        await engine.AfterCommitAsync(connection, cancellationToken);
    }

    /// <summary>Writes a recorded batch's outcomes again as <paramref name="events"/> now have them, with its rejections (a rebuild).</summary>
    public async Task ReplaceOutcomesAsync(
        DbConnection connection, DbTransaction transaction, long batchId, string source, IReadOnlyList<FeedEvent> events, CancellationToken cancellationToken)
    {
        await engine.ExecuteAsync(
            connection, transaction, Sql.ReplaceBatchOutcomes, new { id = batchId, outcomes = RawBatch.Outcomes(events.Select(e => e.Outcome)) }, cancellationToken);
        await RecordRejectionsAsync(connection, transaction, batchId, source, events, cancellationToken);
    }

    /// <summary>
    /// Appends a feed batch to the raw record, as rows of up to <see cref="RawBatch.MaxEvents"/> events, and its rejected
    /// events to the rejections list, each linked to its row and position.
    /// </summary>
    public async Task RecordAsync(
        DbConnection connection, DbTransaction transaction, string source, IReadOnlyList<FeedEvent> events, CancellationToken cancellationToken)
    {
        var ids = await engine.InsertRawRowsAsync(connection, transaction, source, RawBatch.Rows(events), cancellationToken);
        var row = 0;
        foreach (var chunk in events.Chunk(RawBatch.MaxEvents))
        {
            await RecordRejectionsAsync(connection, transaction, ids[row++], source, chunk, cancellationToken);
        }
    }

    private Task RecordRejectionsAsync(
        DbConnection connection, DbTransaction transaction, long batchId, string source, IReadOnlyList<FeedEvent> events, CancellationToken cancellationToken)
    {
        List<(int, FeedEvent)>? rejected = null;
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i].Rejection is not null)
            {
                (rejected ??= []).Add((i, events[i]));
            }
        }

        return rejected is null ? Task.CompletedTask : engine.InsertRejectedEventsAsync(connection, transaction, batchId, source, rejected, cancellationToken);
    }

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
