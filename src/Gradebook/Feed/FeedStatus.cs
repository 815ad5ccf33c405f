namespace Gradebook.Feed;

internal enum ConnectionState
{
    Starting,
    Connecting,
    Connected,
    WaitingToReconnect,
    Stopped,
}

/// <summary>What the ingestion worker is doing right now, for operators; written by the worker, read by the API.</summary>
internal sealed class FeedStatus
{
    private readonly Lock _gate = new();
    private readonly Queue<DateTimeOffset> _uncommitted = new();
    private long _reconnects;
    private long _receivedSinceStart;

    public string? Source { get; set; }

    public ConnectionState State { get; set; } = ConnectionState.Starting;

    public string? LastError { get; set; }

    public string? LastCommittedEventId { get; set; }

    public DateTimeOffset? LastEventAt { get; private set; }

    public DateTimeOffset? LastCommitAt { get; private set; }

    /// <summary>When the current connection was made, or the last one was lost.</summary>
    public DateTimeOffset? StateSince { get; private set; }

    /// <summary>Since when the feed has not been connected (null while connected): what the retry budget is measured against.</summary>
    public DateTimeOffset? DisconnectedSince { get; private set; }

    public long Reconnects => Interlocked.Read(ref _reconnects);

    /// <summary>Events received by this process, committed or not.</summary>
    public long ReceivedSinceStart => Interlocked.Read(ref _receivedSinceStart);

    /// <summary>Events received but not yet committed.</summary>
    public long Pending
    {
        get
        {
            lock (_gate)
            {
                return _uncommitted.Count;
            }
        }
    }

    public void Enter(ConnectionState state, DateTimeOffset now)
    {
        if (State != state)
        {
            StateSince = now;
        }

        if (state == ConnectionState.Connected)
        {
            DisconnectedSince = null;
        }
        else
        {
            DisconnectedSince ??= now;
        }

        State = state;
    }

    public void CountReconnect() => Interlocked.Increment(ref _reconnects);

    public void Received(DateTimeOffset at)
    {
        lock (_gate)
        {
            _uncommitted.Enqueue(at);
            LastEventAt = at;
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

            LastCommittedEventId = lastEventId ?? LastCommittedEventId;
            LastCommitAt = at;
        }
    }

    /// <summary>How long the oldest uncommitted event has waited: zero when everything received is committed.</summary>
    public TimeSpan Lag(DateTimeOffset now)
    {
        lock (_gate)
        {
            return _uncommitted.TryPeek(out var oldest) ? now - oldest : TimeSpan.Zero;
        }
    }
}
