using System.Data.Common;
using Dapper;
using Gradebook.Grading;

namespace Gradebook.Storage;

/// <summary>The start-up failure of a store that cannot be reached or prepared, with a message for the operator.</summary>
internal sealed class StoreUnavailableException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// One database engine's dialect: connections, write transactions, the bulk paths of a batch, locks, the SQL files it
/// replaces (<see cref="Sql"/>), and the upkeep after a commit. It holds no sequence: the order of a write is
/// <see cref="BatchWriter"/>'s, and every other job (migrations, imports, reads, the rebuild, the fleet) is one class
/// over these pieces.
/// </summary>
internal abstract class StoreEngine(SqlDialect dialect)
{
    public SqlDialect Dialect { get; } = dialect;

    public abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>A connection to write a feed's batches on, where the engine sets one up differently from the others.</summary>
    public virtual async ValueTask<DbConnection> OpenFeedConnectionAsync(CancellationToken cancellationToken) => await OpenAsync(cancellationToken);

    /// <summary>Begins a write transaction (engine-specific isolation and durability settings).</summary>
    public abstract Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>
    /// Begins a read-only transaction whose reads all see one snapshot, taking no write lock: a long read (a student's
    /// export) sees one moment of the store while writers go on.
    /// </summary>
    public abstract Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Inserts the rows of a batch's raw record through the engine's bulk path, and returns their ids in the same order.</summary>
    public abstract Task<List<long>> InsertRawRowsAsync(
        DbConnection connection, DbTransaction transaction, string source, IEnumerable<RawRow> rows, CancellationToken cancellationToken);

    /// <summary>Adds a batch's rejected events, each with its position in the batch, to the rejections list through the engine's bulk path.</summary>
    public abstract Task InsertRejectedEventsAsync(
        DbConnection connection, DbTransaction transaction, long batchId, string source, IReadOnlyList<(int Position, FeedEvent Event)> rejected, CancellationToken cancellationToken);

    /// <summary>Loads results into the <c>incoming_results</c> staging table through the engine's bulk path.</summary>
    public abstract Task StageResultsAsync(
        DbConnection connection, DbTransaction transaction, IEnumerable<MarkedResult> results, CancellationToken cancellationToken);

    /// <summary>Upkeep the engine does on the writing connection once a write has committed.</summary>
    public virtual Task AfterCommitAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Takes the lock that keeps two instances from migrating at once; called inside the migration's transaction.</summary>
    public abstract Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the right to ingest <paramref name="feed"/>, or returns null while another instance holds it; where the
    /// engine can, waiting up to <paramref name="wait"/> for the holder to let go.
    /// </summary>
    public abstract Task<FeedLease?> TryLeaseFeedAsync(string feed, TimeSpan wait, CancellationToken cancellationToken);

    /// <summary>Settings a database file or server needs once, before migrating.</summary>
    public virtual Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The operator's message for a failure to reach or prepare the database; null when it is not one.</summary>
    public abstract StoreUnavailableException? Unavailable(Exception exception);

    /// <summary>The text of <paramref name="file"/> this engine runs: its own <c>name.engine.sql</c> where there is one.</summary>
    public string Text(SqlFile file) => file.For(Dialect);

    /// <summary>Runs one statement file inside the caller's transaction.</summary>
    public Task<int> ExecuteAsync(
        DbConnection connection, DbTransaction? transaction, SqlFile file, object? parameters, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(Text(file), parameters, transaction, cancellationToken: cancellationToken));

    /// <summary>Runs one query file inside the caller's transaction, mapping each row by column name.</summary>
    public async Task<List<T>> QueryAsync<T>(
        DbConnection connection, DbTransaction? transaction, SqlFile file, object? parameters, CancellationToken cancellationToken) =>
        [.. await connection.QueryAsync<T>(new CommandDefinition(Text(file), parameters, transaction, cancellationToken: cancellationToken))];

    /// <summary>Runs one query file on a connection of its own, mapping each row by column name.</summary>
    public async Task<List<T>> QueryAsync<T>(SqlFile file, object? parameters, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await QueryAsync<T>(connection, null, file, parameters, cancellationToken);
    }
}
