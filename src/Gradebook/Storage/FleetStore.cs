namespace Gradebook.Storage;

/// <summary>The fleet's records: instances' heartbeats, and which instance owns which feed.</summary>
internal sealed class FleetStore(StoreEngine engine)
{
    /// <summary>Says that <paramref name="instance"/> is alive.</summary>
    public async Task HeartbeatAsync(string instance, CancellationToken cancellationToken)
    {
        await using var connection = await engine.OpenAsync(cancellationToken);
        await engine.ExecuteAsync(connection, null, Sql.Heartbeat, new { id = instance }, cancellationToken);
    }

    /// <summary>Instances whose heartbeat is younger than <paramref name="timeout"/>.</summary>
    public Task<List<InstanceRow>> LiveInstancesAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        engine.QueryAsync<InstanceRow>(Sql.LiveInstances, new { timeout_seconds = timeout.TotalSeconds }, cancellationToken);

    public Task<List<FeedOwnerRow>> FeedOwnersAsync(CancellationToken cancellationToken) =>
        engine.QueryAsync<FeedOwnerRow>(Sql.FeedOwners, null, cancellationToken);

    /// <summary>
    /// Records <paramref name="owner"/> as the owner of the feed whose lease it holds, on the lease's own connection, and
    /// returns the owner the record named until then (null when the last owner let the feed go, or there was none).
    /// </summary>
    public async Task<string?> ClaimAsync(FeedLease lease, string owner, CancellationToken cancellationToken)
    {
        var (connection, owned) = await lease.ConnectionAsync(cancellationToken);
        try
        {
            var previous = (await engine.QueryAsync<FeedOwnerRow>(connection, null, Sql.FeedOwners, null, cancellationToken))
                .SingleOrDefault(o => o.Source == lease.Feed)?.Owner;
            await engine.ExecuteAsync(connection, null, Sql.ClaimFeed, new { source = lease.Feed, owner }, cancellationToken);
            return previous;
        }
        finally
        {
            if (owned)
            {
                await connection.DisposeAsync();
            }
        }
    }

    /// <summary>Clears the owner of the feed, while the lease is still held.</summary>
    public Task ReleaseAsync(FeedLease lease, string owner, CancellationToken cancellationToken) =>
        OnLeaseAsync(lease, Sql.ReleaseFeed, new { source = lease.Feed, owner }, cancellationToken);

    /// <summary>An instance that stops leaves the fleet: it is no longer counted and owns nothing.</summary>
    public async Task LeaveAsync(string instance, CancellationToken cancellationToken)
    {
        await using var connection = await engine.OpenAsync(cancellationToken);
        await engine.ExecuteAsync(connection, null, Sql.LeaveFleet, new { id = instance }, cancellationToken);
    }

    private async Task OnLeaseAsync(FeedLease lease, SqlFile file, object parameters, CancellationToken cancellationToken)
    {
        var (connection, owned) = await lease.ConnectionAsync(cancellationToken);
        try
        {
            await engine.ExecuteAsync(connection, null, file, parameters, cancellationToken);
        }
        finally
        {
            if (owned)
            {
                await connection.DisposeAsync();
            }
        }
    }
}
