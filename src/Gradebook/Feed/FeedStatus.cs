namespace Gradebook.Feed;

internal enum ConnectionState
{
    Starting,
    Connecting,
    Connected,
    WaitingToReconnect,
    Stopped,
}

/// <summary>What the ingestion worker is doing right now, for operators; updated by the worker, read by the API.</summary>
internal sealed class FeedStatus
{
    private long _reconnects;
    private long _pending;

    public string? Source { get; set; }

    public ConnectionState State { get; set; } = ConnectionState.Starting;

    public string? LastError { get; set; }

    public string? LastCommittedEventId { get; set; }

    public DateTimeOffset? LastEventAt { get; set; }

    public DateTimeOffset? LastCommitAt { get; set; }

    public long Reconnects => Interlocked.Read(ref _reconnects);

    /// <summary>Events received but not yet committed.</summary>
    public long Pending => Interlocked.Read(ref _pending);

    public void CountReconnect() => Interlocked.Increment(ref _reconnects);

    public void Received() => Interlocked.Increment(ref _pending);

    public void Committed(int count) => Interlocked.Add(ref _pending, -count);
}
