namespace Gradebook.Ingestion;

internal enum ConnectionState
{
    Starting,
    Connecting,
    Connected,
    WaitingToReconnect,
    Stopped,

    /// <summary>Another instance holds the feed, or will: this one stands by to take it over.</summary>
    Standby,
}

/// <summary>Everything <see cref="FeedStatus"/> knows, taken at one instant.</summary>
/// <param name="FailingSince">Since when this feed's commits have been failing (null while they succeed): see <see cref="FeedStatus.CommitFailed"/>.</param>
/// <param name="FailedCommits">Commit attempts that failed in a row; 0 after a success.</param>
/// <param name="CommitError">Why the last commit attempt failed, while they fail.</param>
/// <param name="Lagging">Connected, but the oldest uncommitted event or the uncommitted count is past its bound (<c>Feed:MaxLag</c>, <c>Feed:MaxPending</c>).</param>
/// <param name="StateSince">When the current connection was made, or the last one was lost.</param>
/// <param name="DisconnectedSince">Since when the feed has not been connected (null while connected): what the retry budget is measured against.</param>
internal sealed record FeedSnapshot(
    string? Source,
    ConnectionState State,
    DateTimeOffset? StateSince,
    DateTimeOffset? DisconnectedSince,
    string? LastError,
    string? LastCommittedEventId,
    DateTimeOffset? LastEventAt,
    DateTimeOffset? LastCommitAt,
    long Reconnects,
    long Pending,
    TimeSpan Lag,
    DateTimeOffset? FailingSince,
    int FailedCommits,
    string? CommitError,
    bool Lagging)
{
    public bool Failing => FailingSince is not null;

    /// <summary>
    /// The one state an operator is shown, in <c>/ingestion</c>, <c>/readyz</c>, the metrics and the dashboard:
    /// <c>failing</c> while commits fail past their bound, else <c>lagging</c> while connected but behind, else the
    /// connection's state.
    /// </summary>
    public string StateName => Failing ? "failing"
        : Lagging ? "lagging"
        : State switch
        {
            ConnectionState.Starting => "starting",
            ConnectionState.Connecting => "connecting",
            ConnectionState.Connected => "connected",
            ConnectionState.WaitingToReconnect => "waiting-to-reconnect",
            ConnectionState.Stopped => "stopped",
            ConnectionState.Standby => "standby",
            _ => throw new ArgumentOutOfRangeException(nameof(State), State, null),
        };

    /// <summary>What went wrong last: a failing commit's error before a connection's.</summary>
    public string? Error => CommitError ?? LastError;
}

/// <summary>
/// What the ingestion worker is doing right now, for operators: written by the worker's reader and writer loops, read
/// by the API and the health checks. Every member takes the one lock, so a reader never sees half of an update.
/// </summary>
/// <param name="maxLag">Connected with an uncommitted event older than this is lagging; zero for no bound.</param>
/// <param name="maxPending">Connected with more uncommitted events than this is lagging; zero for no bound.</param>
internal sealed class FeedStatus(TimeSpan maxLag = default, long maxPending = 0)
{
    private readonly Lock _gate = new();
    private readonly Queue<DateTimeOffset> _uncommitted = new();
    private TaskCompletionSource _allCommitted = Completed();
    private string? _source;
    private ConnectionState _state = ConnectionState.Starting;
    private string? _lastError;
    private string? _lastCommittedEventId;
    private DateTimeOffset? _lastEventAt;
    private DateTimeOffset? _lastCommitAt;
    private DateTimeOffset? _stateSince;
    private DateTimeOffset? _disconnectedSince;
    private long _reconnects;
    private long _receivedSinceStart;
    private DateTimeOffset? _failingSince;
    private int _failedCommits;
    private string? _commitError;

    public string? Source
    {
        get => Read(() => _source);
        set => Write(() => _source = value);
    }

    public ConnectionState State => Read(() => _state);

    public string? LastError
    {
        get => Read(() => _lastError);
        set => Write(() => _lastError = value);
    }

    public string? LastCommittedEventId
    {
        get => Read(() => _lastCommittedEventId);
        set => Write(() => _lastCommittedEventId = value);
    }

    public long Reconnects => Read(() => _reconnects);

    /// <summary>Events received by this process, committed or not.</summary>
    public long ReceivedSinceStart => Read(() => _receivedSinceStart);

    /// <summary>Events received but not yet committed.</summary>
    public long Pending => Read(() => (long)_uncommitted.Count);

    public void Enter(ConnectionState state, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_state != state)
            {
                _stateSince = now;
            }

            // Taking a feed over starts its retry budget afresh: it was not this instance's to connect before.
            var takingOver = _state is ConnectionState.Standby or ConnectionState.Stopped
                && state is not (ConnectionState.Standby or ConnectionState.Stopped);
            _disconnectedSince = state == ConnectionState.Connected ? null
                : takingOver ? now
                : _disconnectedSince ?? now;
            _state = state;
        }
    }

    public void CountReconnect() => Write(() => _reconnects++);

    public void Received(DateTimeOffset at)
    {
        lock (_gate)
        {
            if (_uncommitted.Count == 0)
            {
                _allCommitted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            _uncommitted.Enqueue(at);
            _lastEventAt = at;
            _receivedSinceStart++;
        }
    }

    /// <summary>The last event counted by <see cref="Received"/> was never queued (ingestion is stopping).</summary>
    public void Abandoned()
    {
        lock (_gate)
        {
            _receivedSinceStart--;
            var kept = _uncommitted.ToArray()[..^1];
            _uncommitted.Clear();
            foreach (var at in kept)
            {
                _uncommitted.Enqueue(at);
            }

            SignalIfAllCommitted();
        }
    }

    public void Committed(int count, string? lastEventId, DateTimeOffset at)
    {
        lock (_gate)
        {
            for (var i = 0; i < count; i++)
            {
                _uncommitted.Dequeue();
            }

            _lastCommittedEventId = lastEventId ?? _lastCommittedEventId;
            _lastCommitAt = at;
            _failingSince = null;
            _failedCommits = 0;
            _commitError = null;
            SignalIfAllCommitted();
        }
    }

    /// <summary>
    /// A commit attempt failed; returns how many have failed in a row. <paramref name="failing"/> says the failures are
    /// past their bound (or cannot be retried): the feed is failing from then on, until a commit succeeds.
    /// </summary>
    public int CommitFailed(string error, bool failing, DateTimeOffset at)
    {
        lock (_gate)
        {
            _commitError = error;
            if (failing)
            {
                _failingSince ??= at;
            }

            return ++_failedCommits;
        }
    }

    public bool Failing => Read(() => _failingSince is not null);

    /// <summary>Whether the feed is connected but behind: its oldest uncommitted event or its uncommitted count past their bounds.</summary>
    public bool Lagging(DateTimeOffset now) => Read(() => IsLagging(now));

    /// <summary>Forgets the events received but not committed: the lease was lost, and the feed's next owner reads them again.</summary>
    public void DropPending()
    {
        lock (_gate)
        {
            _uncommitted.Clear();
            SignalIfAllCommitted();
        }
    }

    /// <summary>Completes once every event received so far is committed (at once when none is pending).</summary>
    public Task WhenAllCommittedAsync(CancellationToken cancellationToken) => Read(() => _allCommitted.Task).WaitAsync(cancellationToken);

    /// <summary>Every field at one instant, so that those read together agree (a connected feed has no disconnection time).</summary>
    public FeedSnapshot Snapshot(DateTimeOffset now) => Read(() => new FeedSnapshot(
        _source,
        _state,
        _stateSince,
        _disconnectedSince,
        _lastError,
        _lastCommittedEventId,
        _lastEventAt,
        _lastCommitAt,
        _reconnects,
        _uncommitted.Count,
        LagAt(now),
        _failingSince,
        _failedCommits,
        _commitError,
        IsLagging(now)));

    /// <summary>How long the oldest uncommitted event has waited: zero when everything received is committed.</summary>
    public TimeSpan Lag(DateTimeOffset now) => Read(() => LagAt(now));

    private TimeSpan LagAt(DateTimeOffset now) => _uncommitted.TryPeek(out var oldest) ? now - oldest : TimeSpan.Zero;

    private bool IsLagging(DateTimeOffset now) =>
        _state == ConnectionState.Connected
        && ((maxLag > TimeSpan.Zero && LagAt(now) > maxLag) || (maxPending > 0 && _uncommitted.Count > maxPending));

    private void SignalIfAllCommitted()
    {
        if (_uncommitted.Count == 0)
        {
            _allCommitted.TrySetResult();
        }
    }

    private T Read<T>(Func<T> read)
    {
        lock (_gate)
        {
            return read();
        }
    }

    private void Write(Action write)
    {
        lock (_gate)
        {
            write();
        }
    }

    private static TaskCompletionSource Completed()
    {
        var done = new TaskCompletionSource();
        done.SetResult();
        return done;
    }
}
