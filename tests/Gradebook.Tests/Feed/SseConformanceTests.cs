using System.Text;
using Gradebook.Feed;
using Gradebook.Grading;
using Gradebook.Tests.Support;

namespace Gradebook.Tests.Feed;

/// <summary>The reader against the Server-Sent Events rules, through real HTTP.</summary>
public class SseConformanceTests
{
    private static readonly FeedOptions Options = new() { ReadTimeout = TimeSpan.FromSeconds(30), MaxEventBytes = 4096 };

    /// <summary>Serves <paramref name="wire"/> on one connection, then closes it; returns what the reader made of it.</summary>
    private static async Task<(List<FeedEvent> Events, TimeSpan? Retry)> ReadOverHttpAsync(byte[] wire, int chunk = int.MaxValue)
    {
        await using var feed = await ScriptedFeed.StartAsync(async (_, context) =>
        {
            await ScriptedFeed.BeginStreamAsync(context);
            await ScriptedFeed.WriteAsync(context, wire, chunk, chunk < wire.Length ? TimeSpan.FromMilliseconds(1) : default);
        });
        using var http = new HttpClient();
        await using var connection = await FeedConnection.OpenAsync(http, feed.Url, null, Options, TimeProvider.System, CancellationToken.None);
        var events = new List<FeedEvent>();
        await foreach (var e in connection.ReadEventsAsync(TimeProvider.System, Options.MaxEventBytes, CancellationToken.None))
        {
            events.Add(e);
        }

        return (events, connection.Retry);
    }

    private static Task<(List<FeedEvent> Events, TimeSpan? Retry)> ReadOverHttpAsync(string wire) => ReadOverHttpAsync(Encoding.UTF8.GetBytes(wire));

    private static List<(string? Id, string Type, string Data)> Shape(IEnumerable<FeedEvent> events) =>
        events.Select(e => (e.EventId, e.EventType, e.Data)).ToList();

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public async Task Reads_every_line_ending(string eol)
    {
        var wire = $"id: 1{eol}event: score{eol}data: a{eol}{eol}id: 2{eol}data: b{eol}{eol}";
        var (events, _) = await ReadOverHttpAsync(wire);
        Assert.Equal([("1", "score", "a"), ("2", "message", "b")], Shape(events));
    }

    [Fact]
    public async Task Reads_mixed_line_endings_in_one_stream()
    {
        var (events, _) = await ReadOverHttpAsync("data: a\r\n\ndata: b\r\r\ndata: c\n\r\ndata: d\r\n\r\n");
        Assert.Equal(["a", "b", "c", "d"], events.Select(e => e.Data));
    }

    [Fact]
    public async Task Skips_a_leading_byte_order_mark()
    {
        var (events, _) = await ReadOverHttpAsync([.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes("data: x\n\n")]);
        Assert.Equal([(null, "message", "x")], Shape(events));
    }

    [Fact]
    public async Task Ignores_comments_and_unknown_fields()
    {
        var (events, _) = await ReadOverHttpAsync(": a comment\nfoo: bar\ndata: x\n:another\n\n");
        Assert.Equal(["x"], events.Select(e => e.Data));
    }

    [Fact]
    public async Task A_field_without_a_colon_has_an_empty_value_and_the_space_after_the_colon_is_optional()
    {
        var (events, _) = await ReadOverHttpAsync("data\n\ndata:x\n\ndata:  y\n\n");
        Assert.Equal(["", "x", " y"], events.Select(e => e.Data));
    }

    [Fact]
    public async Task Joins_multi_line_data_with_newlines()
    {
        var (events, _) = await ReadOverHttpAsync("event: score\ndata: {\"studentId\":\"a\",\ndata: \"exam\":1,\ndata: \"score\":1}\n\n");
        var e = Assert.Single(events);
        Assert.Equal("{\"studentId\":\"a\",\n\"exam\":1,\n\"score\":1}", e.Data);
        Assert.Equal(EventOutcome.Accepted, e.Outcome);
    }

    [Fact]
    public async Task An_id_persists_across_events_one_containing_nul_is_ignored_and_an_empty_one_resets_it()
    {
        var (events, _) = await ReadOverHttpAsync("id: 7\ndata: a\n\ndata: b\n\nid: 8\0x\ndata: c\n\nid\ndata: d\n\n");
        Assert.Equal(["7", "7", "7", null], events.Select(e => e.EventId));
    }

    [Theory]
    [InlineData("retry: 2500\n", 2500)]
    [InlineData("retry: 25x\n", null)]
    [InlineData("retry: -5\n", null)]
    [InlineData("retry:\n", null)]
    public async Task Takes_the_reconnection_delay_from_a_valid_retry_only(string line, int? expectedMs)
    {
        var (_, retry) = await ReadOverHttpAsync(line + "data: x\n\n");
        Assert.Equal(expectedMs is null ? null : TimeSpan.FromMilliseconds(expectedMs.Value), retry);
    }

    [Fact]
    public async Task An_event_cut_off_by_the_disconnect_is_discarded()
    {
        var (events, _) = await ReadOverHttpAsync("data: a\n\ndata: b\n");
        Assert.Equal(["a"], events.Select(e => e.Data));
    }

    [Fact]
    public async Task Other_event_types_are_ignored_not_rejected()
    {
        var (events, _) = await ReadOverHttpAsync("event: heartbeat\ndata: {}\n\nevent: Score\ndata: x\n\n");
        Assert.All(events, e => Assert.Equal(EventOutcome.Ignored, e.Outcome));
        Assert.Equal(["heartbeat", "Score"], events.Select(e => e.EventType));
    }

    private const string Tricky =
        "id: 1\r\nevent: score\r\ndata: {\"studentId\":\"Zoë_Ångström😀\",\"exam\":1,\"score\":0.5}\r\n\r\n" +
        ": comment\rid: 2\revent: score\rdata: {\"studentId\":\"Łukasz\",\r\ndata: \"exam\":2,\"score\":1}\r\r" +
        "id: 3\nevent: other\ndata: ✓\n\n";

    [Fact]
    public async Task Every_split_point_gives_the_same_events()
    {
        var wire = Encoding.UTF8.GetBytes(Tricky);
        var whole = Shape(await ReadInMemoryAsync(wire, wire.Length));
        Assert.Equal(3, whole.Count);
        Assert.Equal("Zoë_Ångström😀", (await ReadInMemoryAsync(wire, wire.Length))[0].Score!.Value.StudentId);

        for (var split = 1; split < wire.Length; split++)
        {
            Assert.Equal(whole, Shape(await ReadInMemoryAsync(wire, split)));
        }
    }

    [Fact]
    public async Task Dripped_one_byte_at_a_time_over_http_the_events_are_the_same()
    {
        var wire = Encoding.UTF8.GetBytes(Tricky);
        var (dripped, _) = await ReadOverHttpAsync(wire, chunk: 1);
        Assert.Equal(Shape(await ReadInMemoryAsync(wire, wire.Length)), Shape(dripped));
    }

    /// <summary>The same reader over a stream that returns the bytes in two reads, split at <paramref name="split"/>.</summary>
    private static async Task<List<FeedEvent>> ReadInMemoryAsync(byte[] wire, int split)
    {
        await using var body = new FeedBodyStream(new SplitStream(wire, split), Options.MaxEventBytes, Options.ReadTimeout, TimeProvider.System);
        var events = new List<FeedEvent>();
        await foreach (var e in FeedConnection.Read(FeedConnection.Parser(body, TimeProvider.System, Options.MaxEventBytes), CancellationToken.None))
        {
            events.Add(e);
        }

        return events;
    }

    private sealed class SplitStream(byte[] bytes, int split) : MemoryStream(bytes)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var limit = Position < split ? (int)(split - Position) : buffer.Length;
            return base.ReadAsync(buffer[..Math.Min(limit, buffer.Length)], cancellationToken);
        }
    }
}
