namespace Gradebook.Storage;

/// <summary>The fleet's records: instances' heartbeats, and which instance owns which feed.</summary>
internal sealed class FleetStore(StoreEngine engine)
{
    /// <summary>
    /// Says that <paramref name="instance"/> is alive and, on PostgreSQL, which sessions hold its leases
    /// (<see cref="FeedLease.SessionPid"/>): while its heartbeats keep coming, no standby ends them.
    /// </summary>
    public async Task HeartbeatAsync(string instance, IReadOnlyCollection<int> leasePids, CancellationToken cancellationToken)
    {
        await using var connection = await engine.OpenAsync(cancellationToken);
        await engine.ExecuteAsync(connection, null, Sql.Heartbeat, new { id = instance, lease_pids = leasePids.ToArray() }, cancellationToken);
    }

    /// <summary>Whether a hung owner's lease can be taken away from it: a PostgreSQL session can be ended, a SQLite lock file only by its process's end.</summary>
    public bool CanEndHungLeases => Sql.EndHungLease.ExistsFor(engine.Dialect);

    /// <summary>
    /// Ends the session holding <paramref name="feed"/>'s lease if its owner is hung: the session has been quiet for
    /// <paramref name="timeout"/> and no instance that said it was alive within <paramref name="timeout"/> names it.
    /// The server then ends the session, and with it the lease and any batch it had in flight; returns what was ended,
    /// or null when the lease's holder is alive (or none could be ended).
    /// </summary>
    public async Task<EndedLease?> EndHungLeaseAsync(string feed, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var ended = await engine.QueryAsync<EndedLease>(
            Sql.EndHungLease, new { key = PostgresFeedLease.Key(feed), timeout_seconds = timeout.TotalSeconds }, cancellationToken);
        return ended.FirstOrDefault(e => e.Ended);
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
