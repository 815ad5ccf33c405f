using Dapper;

namespace Gradebook.Storage;

/// <summary>The change log's reads and its trimming: what <c>GET /scores/live</c> serves, from the store.</summary>
internal sealed class ChangeLogStore(StoreEngine engine)
{
    /// <summary>Raised once a student's erasure has committed on this instance: their changes are gone from the log.</summary>
    public event Action? Erased;

    /// <summary>Tells this instance's readers of the log that changes were erased from it.</summary>
    public void AnnounceErasure() => Erased?.Invoke();

    /// <summary>How many erasures there have been, on any instance: when it moves, changes were erased from the log.</summary>
    public async Task<long> ErasureCountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await engine.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(
            new CommandDefinition(engine.Text(Sql.ErasureCount), cancellationToken: cancellationToken));
    }

    /// <summary>The newest change's id, 0 when the log is empty.</summary>
    public async Task<long> LastIdAsync(CancellationToken cancellationToken)
    {
        await using var connection = await engine.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(
            new CommandDefinition(engine.Text(Sql.LastChange), cancellationToken: cancellationToken));
    }

    /// <summary>Up to <paramref name="limit"/> changes after <paramref name="after"/> and up to <paramref name="upto"/>, in id order, optionally of one exam or one student.</summary>
    public Task<List<ChangeRow>> ReadAsync(
        long after, long upto, long? exam, string? studentId, int limit, CancellationToken cancellationToken) =>
        engine.QueryAsync<ChangeRow>(Sql.ChangesAfter, new { after, upto, exam, student_id = studentId, limit }, cancellationToken);

    /// <summary>The <paramref name="limit"/> newest changes, newest first.</summary>
    public Task<List<ChangeRow>> RecentAsync(int limit, CancellationToken cancellationToken) =>
        engine.QueryAsync<ChangeRow>(Sql.RecentChanges, new { limit }, cancellationToken);

    /// <summary>Removes all but the newest <paramref name="keep"/> changes; returns how many were removed.</summary>
    public async Task<int> TrimAsync(long keep, CancellationToken cancellationToken)
    {
        await using var connection = await engine.OpenAsync(cancellationToken);
        await using var transaction = await engine.BeginWriteAsync(connection, cancellationToken);
        var removed = await engine.ExecuteAsync(connection, transaction, Sql.TrimChangeLog, new { keep }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return removed;
    }
}
