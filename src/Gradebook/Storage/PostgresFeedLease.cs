using System.Data;
using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Gradebook.Storage;

/// <summary>
/// A feed's lease on PostgreSQL: a session-level advisory lock held by one connection, the same connection every batch
/// of the feed is committed on. PostgreSQL releases a session lock only when it is unlocked or the session ends, and a
/// session that has ended cannot commit; so however the holder is lost (killed, paused past the server's patience,
/// its connection cut or terminated by an administrator), once another instance has the lock, no batch from the old
/// holder can commit, and the new holder reads a cursor no in-flight batch can move afterwards.
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
    }

    /// <summary>Takes the feed's lock on a connection of its own, or returns null while another session holds it.</summary>
    public static async Task<PostgresFeedLease?> TryTakeAsync(string feed, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var key = Key(feed);
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", connection);
            command.Parameters.AddWithValue("key", key);
            if (await command.ExecuteScalarAsync(cancellationToken) is true)
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

    /// <summary>The advisory lock key of a feed: 64 bits of a hash of its name, so no two names in practice share one.</summary>
    public static long Key(string feed) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes($"gradebook feed {feed}")), 0);

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
