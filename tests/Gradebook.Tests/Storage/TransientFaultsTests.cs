using System.Net.Sockets;
using Gradebook.Storage;
using Gradebook.Tests.Support;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Gradebook.Tests.Storage;

/// <summary>What is retried, judged on faults that real databases raise: their availability, never the code or the data.</summary>
public sealed class TransientFaultsTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_database_locked_by_another_writer_is_transient()
    {
        var connectionString = $"{_directory.SqliteConnectionString()};Default Timeout=1;Pooling=False";
        await using var holder = new SqliteConnection(connectionString);
        await holder.OpenAsync();
        await Execute(holder, "PRAGMA journal_mode = WAL; CREATE TABLE t (x INTEGER); BEGIN IMMEDIATE; INSERT INTO t VALUES (1)");

        await using var writer = new SqliteConnection(connectionString);
        await writer.OpenAsync();
        var busy = await Assert.ThrowsAsync<SqliteException>(() => Execute(writer, "BEGIN IMMEDIATE"));

        Assert.True(TransientFaults.IsTransient(busy), busy.Message);
    }

    [Fact]
    public async Task A_broken_constraint_and_bad_sql_are_not_transient()
    {
        await using var connection = new SqliteConnection(_directory.SqliteConnectionString());
        await connection.OpenAsync();
        await Execute(connection, "CREATE TABLE t (x INTEGER PRIMARY KEY); INSERT INTO t VALUES (1)");

        Assert.False(TransientFaults.IsTransient(await Assert.ThrowsAsync<SqliteException>(() => Execute(connection, "INSERT INTO t VALUES (1)"))));
        Assert.False(TransientFaults.IsTransient(await Assert.ThrowsAsync<SqliteException>(() => Execute(connection, "SELEC 1"))));
    }

    [Fact]
    public void Timeouts_and_io_are_transient_and_programming_errors_are_not()
    {
        Assert.True(TransientFaults.IsTransient(new TimeoutException()));
        Assert.True(TransientFaults.IsTransient(new IOException()));
        Assert.True(TransientFaults.IsTransient(new SocketException((int)SocketError.ConnectionRefused)));
        Assert.False(TransientFaults.IsTransient(new InvalidOperationException()));
        Assert.False(TransientFaults.IsTransient(new ArgumentException("a bug")));
        Assert.False(TransientFaults.IsTransient(new FormatException()));
    }

    private static async Task Execute(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}

[Collection(PostgresServer.CollectionName)]
public sealed class PostgresTransientFaultsTests(PostgresServer server)
{
    [PostgresFact]
    public async Task A_lock_timeout_and_a_refused_connection_are_transient_and_bad_sql_is_not()
    {
        var database = await server.CreateDatabaseAsync();
        await using var holder = new NpgsqlConnection(database);
        await holder.OpenAsync();
        await using var hold = await holder.BeginTransactionAsync();
        await Execute(holder, "CREATE TABLE t (x INTEGER PRIMARY KEY); INSERT INTO t VALUES (1)");
        await hold.CommitAsync();
        await using var locking = await holder.BeginTransactionAsync();
        await Execute(holder, "LOCK TABLE t IN ACCESS EXCLUSIVE MODE");

        await using var writer = new NpgsqlConnection(database);
        await writer.OpenAsync();
        var timedOut = await Assert.ThrowsAsync<PostgresException>(() => Execute(writer, "SET lock_timeout = '50ms'; INSERT INTO t VALUES (2)"));
        Assert.True(TransientFaults.IsTransient(timedOut), timedOut.SqlState);

        Assert.False(TransientFaults.IsTransient(await Assert.ThrowsAsync<PostgresException>(() => Execute(writer, "SELEC 1"))));

        var closed = new NpgsqlConnectionStringBuilder(database) { Port = Ports.Free(), Timeout = 5 }.ConnectionString;
        await using var refused = new NpgsqlConnection(closed);
        Assert.True(TransientFaults.IsTransient(await Assert.ThrowsAsync<NpgsqlException>(() => refused.OpenAsync())));
    }

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
