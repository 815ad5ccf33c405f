using System.Net.ServerSentEvents;
using Gradebook.Emulator;
using Gradebook.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Gradebook.Tests.Emulator;

public class EmulatorFeedTests
{
    private static async Task<List<SseItem<string>>> ReadAsync(Uri url, string? lastEventId, int count)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        await using var body = await response.Content.ReadAsStreamAsync();
        var items = new List<SseItem<string>>();
        await foreach (var item in SseParser.Create(body).EnumerateAsync())
        {
            items.Add(item);
            if (items.Count == count)
            {
                break;
            }
        }

        return items;
    }

    [Fact]
    public async Task Serves_score_events_with_ids_over_http()
    {
        var options = new EmulatorOptions { EventsPerSecond = 0, MaxEvents = 500, Seed = 3 };
        await using var server = await EmulatorServer.StartAsync(options);

        var items = await ReadAsync(server.ScoresUrl, null, 500);

        var expected = ScoreSequence.All(options);
        Assert.All(items, i => Assert.Equal("score", i.EventType));
        Assert.Equal(expected.Select(e => e.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), items.Select(i => i.EventId));
        Assert.Equal(
            expected.Select(e => System.Text.Encoding.UTF8.GetString(e.Frame).Split("data: ")[1].TrimEnd('\n')),
            items.Select(i => i.Data));
    }

    [Fact]
    public async Task A_client_reconnecting_with_last_event_id_gets_what_it_missed()
    {
        var options = new EmulatorOptions { EventsPerSecond = 0, MaxEvents = 1_000, Seed = 3 };
        await using var server = await EmulatorServer.StartAsync(options);
        var first = await ReadAsync(server.ScoresUrl, null, 300);

        var resumed = await ReadAsync(server.ScoresUrl, first[^1].EventId, 700);

        Assert.Equal(Enumerable.Range(301, 700).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), resumed.Select(i => i.EventId));
    }

    [Fact]
    public async Task An_id_older_than_the_buffer_is_sent_again_from_the_seed()
    {
        var options = new EmulatorOptions { EventsPerSecond = 0, MaxEvents = 1_000, BufferSize = 200, Seed = 3 };
        await using var server = await EmulatorServer.StartAsync(options);
        await ReadAsync(server.ScoresUrl, "900", 100);

        var resumed = await ReadAsync(server.ScoresUrl, "5", 995);

        Assert.Equal(
            ScoreSequence.All(options).Skip(5).Select(e => System.Text.Encoding.UTF8.GetString(e.Frame).Split("data: ")[1].TrimEnd('\n')),
            resumed.Select(i => i.Data));
        Assert.Equal("901", (await ReadAsync(server.ScoresUrl, null, 1))[0].EventId);
    }

    [Fact]
    public async Task A_restarted_feed_continues_after_the_id_a_client_resumes_from()
    {
        var options = new EmulatorOptions { EventsPerSecond = 200, Seed = 3 };
        await using var server = await EmulatorServer.StartAsync(options);

        var resumed = await ReadAsync(server.ScoresUrl, "50000", 100);

        var expected = new ScoreSequence(options);
        expected.SkipTo(50_000);
        Assert.Equal(
            Enumerable.Range(0, 100).Select(_ => System.Text.Encoding.UTF8.GetString(expected.Next().Frame).Split("data: ")[1].TrimEnd('\n')),
            resumed.Select(i => i.Data));
        Assert.Equal("50001", resumed[0].EventId);
    }

    [Theory]
    [InlineData("not-a-number")]
    [InlineData("-3")]
    [InlineData("1001")]
    public async Task An_id_the_feed_cannot_have_sent_is_refused_not_replayed(string lastEventId)
    {
        var options = new EmulatorOptions { EventsPerSecond = 0, MaxEvents = 1_000, Seed = 3 };
        await using var server = await EmulatorServer.StartAsync(options);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, server.ScoresUrl);
        request.Headers.Add("Last-Event-ID", lastEventId);

        using var response = await http.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Releases_one_burst_at_a_time_at_the_configured_rate()
    {
        var time = new FakeTimeProvider();
        var options = new EmulatorOptions { EventsPerSecond = 100, MinBurst = 50, MaxBurst = 50, Seed = 3 };
        var feed = new ScoreFeed(Microsoft.Extensions.Options.Options.Create(options), time);

        Assert.Equal(0, feed.StartPosition(null, out _));
        Assert.Equal(50, (await feed.NextAsync(0, 1_000, TimeSpan.FromSeconds(1), CancellationToken.None)).Count);
        time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.Equal(50, feed.Head);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(Enumerable.Range(51, 50).Select(i => (long)i), (await feed.NextAsync(50, 1_000, TimeSpan.FromSeconds(1), CancellationToken.None)).Select(e => e.Id));
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(300, (await feed.NextAsync(100, 1_000, TimeSpan.FromSeconds(1), CancellationToken.None))[^1].Id);
    }
}
