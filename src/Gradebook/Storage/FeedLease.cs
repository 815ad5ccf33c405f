using System.Data.Common;

namespace Gradebook.Storage;

/// <summary>This instance no longer holds a feed: another may be ingesting it, so nothing more of it may be committed here.</summary>
internal sealed class FeedLeaseLostException(string feed, Exception? inner = null)
    : Exception($"This instance no longer holds the feed '{feed}'.", inner);

/// <summary>
/// The right to ingest one feed, held by at most one instance at a time and proven inside every batch's transaction
/// (fencing): a holder that has lost it can commit nothing more of the feed. What holds it is the engine's: a
/// session-level advisory lock of the very PostgreSQL session that commits the batches, or a lock on a file beside the
/// SQLite database. Disposing it lets the feed go.
/// </summary>
internal abstract class FeedLease(string feed) : IAsyncDisposable
{
    public string Feed { get; } = feed;

    /// <summary>
    /// The database server's process that holds the lease (a PostgreSQL session's <c>pg_backend_pid()</c>), named in
    /// every heartbeat so that a standby can end it should this instance hang; null where no server session holds it.
    /// </summary>
    public virtual int? SessionPid => null;

    /// <summary>The connection a batch of the feed is written on, and whether the caller must dispose it.</summary>
    public abstract ValueTask<(DbConnection Connection, bool Owned)> ConnectionAsync(CancellationToken cancellationToken);

    /// <summary>Inside a batch's transaction: throws <see cref="FeedLeaseLostException"/> unless the feed is still held.</summary>
    public abstract Task ProveAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);

    /// <summary>Whether the lease can no longer be used (its session ended): a failed commit asks before retrying.</summary>
    public abstract Task<bool> IsLostAsync(CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    /// <summary>
    /// A lease that holds nothing, for code that writes a feed nobody else writes: tests and benchmarks of the store.
    /// </summary>
    public static FeedLease Unfenced(StoreEngine engine, string feed) => new UnfencedLease(engine, feed);

    private sealed class UnfencedLease(StoreEngine engine, string feed) : FeedLease(feed)
    {
        public override async ValueTask<(DbConnection Connection, bool Owned)> ConnectionAsync(CancellationToken cancellationToken) =>
            (await engine.OpenFeedConnectionAsync(cancellationToken), true);

        public override Task ProveAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
            Task.CompletedTask;

        public override Task<bool> IsLostAsync(CancellationToken cancellationToken) => Task.FromResult(false);

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
