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
    TimeSpan Lag);

/// <summary>
/// What the ingestion worker is doing right now, for operators: written by the worker's reader and writer loops, read
/// by the API and the health checks. Every member takes the one lock, so a reader never sees half of an update.
/// </summary>
internal sealed class FeedStatus
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
            SignalIfAllCommitted();
        }
    }

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
        _uncommitted.TryPeek(out var oldest) ? now - oldest : TimeSpan.Zero));

    /// <summary>How long the oldest uncommitted event has waited: zero when everything received is committed.</summary>
    public TimeSpan Lag(DateTimeOffset now) => Read(() => _uncommitted.TryPeek(out var oldest) ? now - oldest : TimeSpan.Zero);

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
