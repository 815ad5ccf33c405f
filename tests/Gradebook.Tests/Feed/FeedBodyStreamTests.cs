using System.Text;
using Gradebook.Feed;
using Gradebook.Grading;
using Microsoft.Extensions.Time.Testing;

namespace Gradebook.Tests.Feed;

public class FeedBodyStreamTests
{
    private static async Task<List<FeedEvent>> ReadAsync(byte[] wire, int maxEventBytes)
    {
        await using var body = new FeedBodyStream(new MemoryStream(wire), maxEventBytes, TimeSpan.FromSeconds(30), TimeProvider.System);
        var events = new List<FeedEvent>();
        await foreach (var e in FeedConnection.Read(FeedConnection.Parser(body, TimeProvider.System, maxEventBytes), CancellationToken.None))
        {
            events.Add(e);
        }

        return events;
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public async Task An_oversized_event_is_rejected_and_the_events_around_it_are_kept(string eol)
    {
        var huge = new string('x', 100_000);
        var wire = Encoding.UTF8.GetBytes(
            $"id: 1{eol}data: before{eol}{eol}id: 2{eol}data: {huge}{eol}data: {huge}{eol}{eol}id: 3{eol}data: after{eol}{eol}");

        var events = await ReadAsync(wire, 1024);

        Assert.Equal(["1", "2", "3"], events.Select(e => e.EventId));
        Assert.Equal("before", events[0].Data);
        Assert.Equal(RejectionReason.OversizedEvent, events[1].Rejection!.Reason);
        Assert.InRange(events[1].Data.Length, 1, 1100);
        Assert.Equal("after", events[2].Data);
    }

    [Fact]
    public async Task An_event_cut_off_right_after_a_line_is_recorded_once()
    {
        // The 1,025th byte of event 2 ends its first line: the cut falls between two lines.
        var line = "data: " + new string('x', 1018) + "\n";
        var wire = Encoding.UTF8.GetBytes($"id: 1\ndata: before\n\nid: 2\n{line}data: more\n\nid: 3\ndata: after\n\n".Replace("id: 2\n", "", StringComparison.Ordinal));

        var events = await ReadAsync(wire, 1024);

        Assert.Equal(["before", "after"], events.Where(e => e.Rejection is null).Select(e => e.Data));
        Assert.Equal(RejectionReason.OversizedEvent, Assert.Single(events, e => e.Rejection is not null).Rejection!.Reason);
    }

    [Fact]
    public async Task A_short_event_read_together_with_the_start_of_an_oversized_one_is_kept()
    {
        // Both events arrive in one read of the parser's; the short one ends before the cut.
        var wire = Encoding.UTF8.GetBytes($"id: 1\ndata: before\n\nid: 2\ndata: {new string('x', 400)}\n\nid: 3\ndata: after\n\n");

        var events = await ReadAsync(wire, 256);

        Assert.Equal(["1", "2", "3"], events.Select(e => e.EventId));
        Assert.Equal([null, RejectionReason.OversizedEvent, null], events.Select(e => e.Rejection?.Reason));
        Assert.Equal("before", events[0].Data);
    }

    [Fact]
    public async Task An_event_cut_off_before_any_data_line_is_still_recorded()
    {
        var wire = Encoding.UTF8.GetBytes($"id: 1\nevent: {new string('t', 5000)}\ndata: x\n\nid: 2\ndata: after\n\n");

        var events = await ReadAsync(wire, 1024);

        Assert.Equal(["1", "2"], events.Select(e => e.EventId));
        Assert.Equal(RejectionReason.OversizedEvent, events[0].Rejection!.Reason);
        Assert.Equal("after", events[1].Data);
    }

    [Fact]
    public async Task An_endless_line_without_newlines_is_cut_off_and_recorded()
    {
        var wire = Encoding.UTF8.GetBytes("data: " + new string('y', 1_000_000));
        var events = await ReadAsync(wire, 2048);
        var e = Assert.Single(events);
        Assert.Equal(RejectionReason.OversizedEvent, e.Rejection!.Reason);
    }

    [Fact]
    public async Task A_stalled_stream_fails_with_a_timeout_once_the_read_timeout_has_passed()
    {
        var time = new FakeTimeProvider();
        await using var body = new FeedBodyStream(new NeverStream(), 1024, TimeSpan.FromSeconds(45), time);
        var reading = body.ReadExactlyAsync(new byte[10]).AsTask();

        time.Advance(TimeSpan.FromSeconds(44));
        Assert.False(reading.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(1));
        var error = await Assert.ThrowsAsync<TimeoutException>(() => reading.WaitAsync(TimeSpan.FromMinutes(2)));
        Assert.Equal("the feed sent nothing for 45 s", error.Message);
    }

    private sealed class NeverStream : MemoryStream
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }
    }
}
