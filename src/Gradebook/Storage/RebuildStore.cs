using System.Data.Common;
using Dapper;
using Gradebook.Grading;

namespace Gradebook.Storage;

/// <summary>
/// The store's side of a rebuild: one write transaction in which everything derived is forgotten and written again
/// from the raw records. What the records mean is decided by the feed's and the imports' own readers, not here.
/// </summary>
internal sealed class RebuildStore(StoreEngine engine, BatchWriter writer, ImportStore imports)
{
    /// <summary>Begins the rebuild's transaction (holding the write lock until it ends) and forgets everything derived.</summary>
    public async Task<RebuildTransaction> BeginAsync(CancellationToken cancellationToken)
    {
        var connection = await engine.OpenAsync(cancellationToken);
        try
        {
            var transaction = await engine.BeginWriteAsync(connection, cancellationToken);
            await engine.ExecuteAsync(connection, transaction, Sql.ResetDerived, null, cancellationToken);
            var lastChange = await connection.ExecuteScalarAsync<long>(
                new CommandDefinition(engine.Text(Sql.HoldChangeLog), transaction: transaction, cancellationToken: cancellationToken));
            return new RebuildTransaction(engine, writer, imports, connection, transaction, lastChange);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}

/// <summary>The reads and writes of one rebuild, all in its transaction; disposing it without committing undoes them.</summary>
/// <param name="lastChange">The change log's newest id when the rebuild began: a rebuild appends nothing to the log.</param>
internal sealed class RebuildTransaction(
    StoreEngine engine, BatchWriter writer, ImportStore imports, DbConnection connection, DbTransaction transaction, long lastChange)
    : IAsyncDisposable
{
    /// <summary>
    /// The whole batches of the raw record after batch <paramref name="after"/>, in id order, as many as hold about
    /// <paramref name="events"/> events (always at least one), with the recorded reason of each rejected event by
    /// batch and position. Empty after the last batch.
    /// </summary>
    public async Task<(List<RawBatchRow> Batches, Dictionary<(long BatchId, long Position), string> Reasons)> ReadRawBatchesAsync(
        long after, long events, CancellationToken cancellationToken)
    {
        var sizes = await engine.QueryAsync<RawBatchSizeRow>(connection, transaction, Sql.RawBatchSizes, new { after }, cancellationToken);
        if (sizes.Count == 0)
        {
            return ([], []);
        }

        var last = sizes[0].Id;
        var total = 0L;
        foreach (var size in sizes)
        {
            if (total > 0 && total + size.EventCount > events)
            {
                break;
            }

            total += size.EventCount;
            last = size.Id;
        }

        var bounds = new { after, last };
        var batches = await engine.QueryAsync<RawBatchRow>(connection, transaction, Sql.RawBatchesPage, bounds, cancellationToken);
        var reasons = await engine.QueryAsync<BatchRejectionRow>(connection, transaction, Sql.BatchRejections, bounds, cancellationToken);
        return (batches, reasons.ToDictionary(r => (r.BatchId, r.Position), r => r.Reason));
    }

    /// <summary>Writes a batch's outcomes and rejections again as today's readers make them.</summary>
    public Task ReplaceOutcomesAsync(RawBatchRow batch, IReadOnlyList<FeedEvent> events, CancellationToken cancellationToken) =>
        writer.ReplaceOutcomesAsync(connection, transaction, batch.Id, batch.Source, events, cancellationToken);

    /// <summary>Folds results into the store by the highest-marks rule.</summary>
    public Task MergeAsync(IEnumerable<MarkedResult> results, CancellationToken cancellationToken) =>
        writer.MergeAsync(connection, transaction, results, cancellationToken);

    /// <summary>Adds to a feed's counts (its resume point stays where it is).</summary>
    public Task CountFeedAsync(string source, long received, OutcomeCounts counts, CancellationToken cancellationToken) =>
        engine.ExecuteAsync(
            connection,
            transaction,
            Sql.AdvanceFeed,
            new { source, last_event_id = (string?)null, received, accepted = counts.Accepted, rejected = counts.Rejected, ignored = counts.Ignored },
            cancellationToken);

    /// <summary>The import record after id <paramref name="after"/>, with its document; null after the last. One document is read at a time.</summary>
    public async Task<ImportRow?> NextImportAsync(long after, CancellationToken cancellationToken) =>
        (await engine.QueryAsync<ImportRow>(connection, transaction, Sql.NextImport, new { after }, cancellationToken)).SingleOrDefault();

    /// <summary>Folds an accepted document's results and names into the store.</summary>
    public Task MergeImportAsync(
        long importId, IReadOnlyList<MarkedResult> results, IReadOnlyList<GivenName> names, IReadOnlyList<AnsweredSheet> sheets, CancellationToken cancellationToken) =>
        imports.MergeAsync(connection, transaction, importId, results, names, sheets, cancellationToken);

    public Task SetImportOutcomeAsync(long id, string outcome, string? reason, int? resultCount, CancellationToken cancellationToken) =>
        engine.ExecuteAsync(
            connection, transaction, Sql.UpdateImportOutcome, new { id, outcome, reason, result_count = resultCount }, cancellationToken);

    /// <summary>Recomputes the aggregates from the results, exactly, and returns how many results there are.</summary>
    public async Task<long> RecomputeAggregatesAsync(CancellationToken cancellationToken)
    {
        await engine.ExecuteAsync(connection, transaction, Sql.RecomputeAggregates, null, cancellationToken);
        return await connection.ExecuteScalarAsync<long>(
            new CommandDefinition("SELECT COUNT(*) FROM results", transaction: transaction, cancellationToken: cancellationToken));
    }

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        await engine.ExecuteAsync(connection, transaction, Sql.DropRebuildChanges, new { after = lastChange }, cancellationToken);
        await writer.CommitAsync(connection, transaction, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }
}
