namespace Gradebook.Storage;

/// <summary>
/// The data version a read is answered under (its entity tag and cache key, see <c>Api/ReadCache.cs</c>), from one
/// place. On PostgreSQL with reads on the primary, <see cref="DataVersionListener"/> keeps the newest committed version
/// here, told by the notification each commit sends (<c>writes/bump_data_version.postgres.sql</c>), so a read costs no
/// round trip; this process's own commits count as soon as they return (<see cref="BatchWriter.CommittedVersion"/>), so
/// an instance reads its own writes at once, and another instance's as soon as their notification arrives. The version
/// only moves forward here: a notification older than what is known (one committed while the listener read the version
/// after LISTEN) is ignored.
/// Every read asks the database instead (<see cref="ReadStore.GetDataVersionAsync"/>) while the listener is not
/// connected (start-up, a lost connection, a server restart); always on SQLite, which has no notifications and answers
/// in microseconds; and always with a read replica (<c>ConnectionStrings:GradebookRead</c>), where the version is read
/// from the replica: the primary's notification arrives before the standby has replayed the commit, and an answer read
/// from the replica would be cached under a version whose data it lacks.
/// </summary>
internal sealed class DataVersionSource(ReadStore reads, BatchWriter writer)
{
    private long _announced;
    private volatile bool _listening;

    /// <summary>Whether reads take the version from notifications now, rather than asking the database.</summary>
    public bool Listening => _listening;

    /// <summary>The version to answer a read under: the newest this instance knows to be committed, or the database's own.</summary>
    public ValueTask<long> CurrentAsync(CancellationToken cancellationToken) =>
        _listening
            ? ValueTask.FromResult(Math.Max(Volatile.Read(ref _announced), writer.CommittedVersion))
            : new ValueTask<long>(reads.GetDataVersionAsync(cancellationToken));

    /// <summary>A committed version, announced or read by the listener; false when it is not newer than one already known, which stays.</summary>
    public bool Announce(long version) => RaiseTo(ref _announced, version);

    /// <summary>The listener listens, and has read <paramref name="version"/> since: from now on reads take the version from here.</summary>
    public void StartListening(long version)
    {
        Announce(version);
        _listening = true;
    }

    /// <summary>The listener has lost its connection: notifications may be missed from now on, so reads ask the database.</summary>
    public void StopListening() => _listening = false;

    /// <summary>Moves <paramref name="known"/> up to <paramref name="version"/>, atomically, and never down; true when it moved.</summary>
    public static bool RaiseTo(ref long known, long version)
    {
        var current = Volatile.Read(ref known);
        while (version > current)
        {
            var seen = Interlocked.CompareExchange(ref known, version, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }

        return false;
    }
}
