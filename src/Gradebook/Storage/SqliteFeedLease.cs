using System.Data.Common;

namespace Gradebook.Storage;

/// <summary>
/// A SQLite database is one file on one machine, so a feed's lease is an exclusive lock on a file beside it
/// (<c>gradebook.db.feed-&lt;name&gt;.lock</c>): the operating system releases it when the holding process ends, however
/// it ends, and no other process can take it meanwhile.
/// </summary>
internal sealed class SqliteFeedLease : FeedLease
{
    private readonly SqliteEngine _engine;
    private readonly FileStream? _lock;

    private SqliteFeedLease(string feed, SqliteEngine engine, FileStream? lockFile)
        : base(feed)
    {
        _engine = engine;
        _lock = lockFile;
    }

    /// <summary>The lease, or null while another process holds it. An in-memory database is one process's alone.</summary>
    public static SqliteFeedLease? TryTake(string feed, SqliteEngine engine)
    {
        if (engine.FilePath is not { } database)
        {
            return new SqliteFeedLease(feed, engine, null);
        }

        try
        {
            var lockFile = new FileStream($"{database}.feed-{feed}.lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return new SqliteFeedLease(feed, engine, lockFile);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>A connection for one batch, with the large page cache (see <see cref="SqliteEngine.OpenFeedConnectionAsync"/>).</summary>
    public override async ValueTask<(DbConnection Connection, bool Owned)> ConnectionAsync(CancellationToken cancellationToken) =>
        (await _engine.OpenFeedConnectionAsync(cancellationToken), true);

    // The lock is this process's until it lets it go or ends: a process that still runs still holds it.
    public override Task ProveAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    public override Task<bool> IsLostAsync(CancellationToken cancellationToken) => Task.FromResult(false);

    public override ValueTask DisposeAsync() => _lock?.DisposeAsync() ?? ValueTask.CompletedTask;
}
