using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Gradebook.Storage;

/// <summary>
/// A feed's lease on PostgreSQL: a session-level advisory lock held by one connection, the same connection every batch
/// of the feed is committed on. PostgreSQL releases a session lock only when it is unlocked or the session ends, and a
/// session that has ended cannot commit; so however the holder is lost (killed, its connection cut, or its session
/// terminated by a standby because the holder hangs, <see cref="FleetStore.EndHungLeaseAsync"/>), once another instance
/// has the lock, no batch from the old holder can commit, and the new holder reads a cursor no in-flight batch can move
/// afterwards.
/// </summary>
internal sealed class PostgresFeedLease : FeedLease
{
    private readonly NpgsqlConnection _connection;
    private readonly long _key;

    private PostgresFeedLease(string feed, NpgsqlConnection connection, long key)
        : base(feed)
    {
        _connection = connection;
        _key = key;

        // Read while the connection is open: the lease's session keeps this pid for its whole life.
        SessionPid = connection.ProcessID;
    }

    /// <summary>
    /// Takes the feed's lock on a connection of its own, or returns null while another session holds it; with a
    /// <paramref name="wait"/>, queued behind the holder for that long (a session being ended lets go as it exits).
    /// </summary>
    public static async Task<PostgresFeedLease?> TryTakeAsync(string feed, NpgsqlDataSource dataSource, TimeSpan wait, CancellationToken cancellationToken)
    {
        var key = Key(feed);
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            if (await LockAsync(connection, key, wait, cancellationToken))
            {
                return new PostgresFeedLease(feed, connection, key);
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        await connection.DisposeAsync();
        return null;
    }

    public override int? SessionPid { get; }

    /// <summary>The advisory lock key of a feed: 64 bits of a hash of its name, so no two names in practice share one.</summary>
    public static long Key(string feed) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes($"gradebook feed {feed}")), 0);

    private static async Task<bool> LockAsync(NpgsqlConnection connection, long key, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (wait <= TimeSpan.Zero)
        {
            await using var tryLock = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", connection);
            tryLock.Parameters.AddWithValue("key", key);
            return await tryLock.ExecuteScalarAsync(cancellationToken) is true;
        }

        // The server queues the request and gives up after lock_timeout; a session lock outlives the transaction.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var timeout = new NpgsqlCommand("SELECT set_config('lock_timeout', @milliseconds, true)", connection, transaction))
        {
            timeout.Parameters.AddWithValue("milliseconds", ((long)Math.Ceiling(wait.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture));
            await timeout.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            await using var waitLock = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection, transaction);
            waitLock.Parameters.AddWithValue("key", key);
            await waitLock.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable)
        {
            return false;
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public override ValueTask<(DbConnection Connection, bool Owned)> ConnectionAsync(CancellationToken cancellationToken) =>
        _connection.State == ConnectionState.Open
            ? ValueTask.FromResult<(DbConnection, bool)>((_connection, false))
            : throw new FeedLeaseLostException(Feed);

    public override async Task ProveAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        // A session lock cannot leave a live session unasked; this says so inside the transaction, where a reader of
        // the code looks for the proof, and catches a lock released by mistake.
        await using var command = new NpgsqlCommand(
            """
            SELECT EXISTS (SELECT 1 FROM pg_locks
                           WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted AND objsubid = 1
                             AND classid::bigint = (@key >> 32) & 4294967295 AND objid::bigint = @key & 4294967295)
            """,
            (NpgsqlConnection)connection,
            (NpgsqlTransaction)transaction);
        command.Parameters.AddWithValue("key", _key);
        if (await command.ExecuteScalarAsync(cancellationToken) is not true)
        {
            throw new FeedLeaseLostException(Feed);
        }
    }

    public override async Task<bool> IsLostAsync(CancellationToken cancellationToken)
    {
        if (_connection.State != ConnectionState.Open)
        {
            return true;
        }

        try
        {
            await using var command = new NpgsqlCommand("SELECT 1", _connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return false;
        }
        catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
        {
            return true;
        }
    }

    public override async ValueTask DisposeAsync()
    {
        try
        {
            if (_connection.State == ConnectionState.Open)
            {
                await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", _connection);
                command.Parameters.AddWithValue("key", _key);
                await command.ExecuteScalarAsync();
            }
        }
        catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
        {
            // The session is gone, and its lock with it.
        }
        finally
        {
            await _connection.DisposeAsync();
        }
    }
}
