using Gradebook.Storage;
using Gradebook.Tests.Support;
using Npgsql;

namespace Gradebook.Tests.Fleet;

/// <summary>
/// Which lease sessions a standby may end on PostgreSQL: only one that no live instance names and that has been quiet
/// for the timeout, both by the database's clock. A live owner's session is never ended, however long it idles.
/// </summary>
[Collection(PostgresServer.CollectionName)]
public sealed class HungLeaseTests(PostgresServer server)
{
    // Long enough that a heartbeat or a statement made just before a check is still young when the check runs.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    [PostgresFact]
    public async Task A_quiet_lease_is_ended_only_once_no_live_instance_names_its_session()
    {
        var database = await server.CreateDatabaseAsync();
        await using var store = new StoreHarness(new PostgresEngine(database));
        await store.MigrateAsync(CancellationToken.None);
        var fleet = new FleetStore(store.Engine);
        await using var lease = (await store.Engine.TryLeaseFeedAsync("north", TimeSpan.Zero, CancellationToken.None))!;
        var pid = lease.SessionPid!.Value;
        await fleet.HeartbeatAsync("owner", [pid], CancellationToken.None);
        await QuietAsync(database, pid);

        // Alive: its heartbeat names the quiet session.
        await fleet.HeartbeatAsync("owner", [pid], CancellationToken.None);
        Assert.Null(await fleet.EndHungLeaseAsync("north", Timeout, CancellationToken.None));
        Assert.False(await lease.IsLostAsync(CancellationToken.None));

        // Alive, but no longer naming the session (it let the feed go in its mind, not on the server): ended.
        await fleet.HeartbeatAsync("owner", [], CancellationToken.None);
        await QuietAsync(database, pid);
        var ended = await fleet.EndHungLeaseAsync("north", Timeout, CancellationToken.None);

        Assert.Equal(pid, ended?.Pid);
        Assert.Null(ended?.Owner);
        await using var next = await store.Engine.TryLeaseFeedAsync("north", TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.NotNull(next);
        Assert.True(await lease.IsLostAsync(CancellationToken.None));
    }

    [PostgresFact]
    public async Task A_silent_owners_lease_is_ended_once_its_session_is_as_quiet_and_a_busy_one_is_not()
    {
        var database = await server.CreateDatabaseAsync();
        await using var store = new StoreHarness(new PostgresEngine(database));
        await store.MigrateAsync(CancellationToken.None);
        var fleet = new FleetStore(store.Engine);
        await using var lease = (await store.Engine.TryLeaseFeedAsync("south", TimeSpan.Zero, CancellationToken.None))!;
        var pid = lease.SessionPid!.Value;
        await fleet.HeartbeatAsync("frozen", [pid], CancellationToken.None);
        await SilentAsync(database, "frozen");

        // Silent, but its session has just run a statement: a lease just taken, not yet named, looks the same.
        Assert.False(await lease.IsLostAsync(CancellationToken.None));
        Assert.Null(await fleet.EndHungLeaseAsync("south", Timeout, CancellationToken.None));

        await QuietAsync(database, pid);
        var ended = await fleet.EndHungLeaseAsync("south", Timeout, CancellationToken.None);

        Assert.Equal(("frozen", pid), (ended?.Owner, ended?.Pid));
        Assert.True(ended!.QuietSeconds >= Timeout.TotalSeconds);
        Assert.True(await lease.IsLostAsync(CancellationToken.None));
    }

    /// <summary>Waits until the session has begun or ended no statement for longer than the timeout, by the server's clock.</summary>
    private static Task QuietAsync(string database, int pid) =>
        UntilAsync(database, "SELECT now() - state_change > @timeout FROM pg_stat_activity WHERE pid = @pid", pid, null);

    /// <summary>Waits until the instance's last heartbeat is older than the timeout, by the server's clock.</summary>
    private static Task SilentAsync(string database, string instance) =>
        UntilAsync(database, "SELECT now() - heartbeat_at > @timeout FROM instances WHERE id = @id", null, instance);

    private static async Task UntilAsync(string database, string sql, int? pid, string? instance)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await Eventually.Until(
            async () =>
            {
                await using var command = new NpgsqlCommand(sql, connection);
                command.Parameters.AddWithValue("timeout", Timeout);
                command.Parameters.AddWithValue("pid", pid ?? 0);
                command.Parameters.AddWithValue("id", instance ?? "");
                return await command.ExecuteScalarAsync() is true;
            },
            quiet => quiet);
    }
}
