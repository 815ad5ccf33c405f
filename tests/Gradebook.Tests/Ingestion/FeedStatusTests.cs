using Gradebook.Feed;
using Gradebook.Ingestion;

namespace Gradebook.Tests.Ingestion;

public sealed class FeedStatusTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Waiting_for_every_commit_ends_when_the_last_pending_event_commits()
    {
        var status = new FeedStatus();
        Assert.True(status.WhenAllCommittedAsync(CancellationToken.None).IsCompletedSuccessfully);

        status.Received(Now);
        status.Received(Now);
        var waiting = status.WhenAllCommittedAsync(CancellationToken.None);
        Assert.False(waiting.IsCompleted);

        status.Committed(1, "1", Now);
        Assert.False(waiting.IsCompleted);

        status.Committed(1, "2", Now);
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("2", status.LastCommittedEventId);
    }

    [Fact]
    public async Task Waiting_ends_when_the_only_pending_event_is_abandoned()
    {
        var status = new FeedStatus();
        status.Received(Now);
        var waiting = status.WhenAllCommittedAsync(CancellationToken.None);

        status.Abandoned();

        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, status.Pending);
    }

    [Fact]
    public async Task Waiting_can_be_cancelled()
    {
        var status = new FeedStatus();
        status.Received(Now);
        using var cancel = new CancellationTokenSource();
        var waiting = status.WhenAllCommittedAsync(cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    [Fact]
    public async Task A_snapshot_taken_while_the_state_changes_is_never_half_updated()
    {
        var status = new FeedStatus();
        status.Enter(ConnectionState.Connecting, Now);
        var stop = DateTimeOffset.UtcNow.AddSeconds(1);
        var writer = Task.Run(() =>
        {
            for (var i = 0; DateTimeOffset.UtcNow < stop; i++)
            {
                status.Enter(i % 2 == 0 ? ConnectionState.Connected : ConnectionState.WaitingToReconnect, Now.AddTicks(i));
            }
        });

        var snapshots = 0;
        while (!writer.IsCompleted)
        {
            var snapshot = status.Snapshot(Now);
            Assert.Equal(snapshot.State == ConnectionState.Connected, snapshot.DisconnectedSince is null);
            snapshots++;
        }

        await writer;
        Assert.True(snapshots > 0);
    }

    [Fact]
    public void A_connected_feed_past_its_lag_or_pending_bound_is_lagging_and_failing_commits_come_first()
    {
        var status = new FeedStatus(maxLag: TimeSpan.FromSeconds(10), maxPending: 2);
        status.Enter(ConnectionState.Connected, Now);
        status.Received(Now);
        Assert.Equal("connected", status.Snapshot(Now.AddSeconds(10)).StateName);
        Assert.Equal("lagging", status.Snapshot(Now.AddSeconds(11)).StateName);

        status.Received(Now.AddSeconds(11));
        status.Received(Now.AddSeconds(11));
        Assert.True(status.Lagging(Now.AddSeconds(1)));

        Assert.Equal(1, status.CommitFailed("database is locked", failing: false, Now));
        Assert.Equal("lagging", status.Snapshot(Now.AddSeconds(1)).StateName);
        Assert.Equal(2, status.CommitFailed("database is locked", failing: true, Now.AddSeconds(2)));
        var failing = status.Snapshot(Now.AddSeconds(3));
        Assert.Equal("failing", failing.StateName);
        Assert.Equal(Now.AddSeconds(2), failing.FailingSince);
        Assert.Equal("database is locked", failing.Error);

        status.Committed(3, "3", Now.AddSeconds(4));
        var recovered = status.Snapshot(Now.AddSeconds(4));
        Assert.Equal("connected", recovered.StateName);
        Assert.Equal(0, recovered.FailedCommits);
        Assert.Null(recovered.Error);
    }

    [Fact]
    public void A_feed_that_is_not_connected_is_never_lagging()
    {
        var status = new FeedStatus(maxLag: TimeSpan.FromSeconds(1), maxPending: 0);
        status.Enter(ConnectionState.WaitingToReconnect, Now);
        status.Received(Now);
        Assert.Equal("waiting-to-reconnect", status.Snapshot(Now.AddMinutes(1)).StateName);
    }
}
