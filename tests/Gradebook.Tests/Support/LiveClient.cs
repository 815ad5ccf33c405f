using System.Globalization;
using System.Net.ServerSentEvents;
using System.Text.Json;

namespace Gradebook.Tests.Support;

/// <summary>One <c>result</c> event of <c>GET /scores/live</c>.</summary>
internal sealed record LiveEvent(long Id, string StudentId, long Exam, double Score, long ExamStudentCount, double ExamAverage, long StudentExamCount, double StudentAverage);

/// <summary>A client of <c>GET /scores/live</c> that reads its events with the framework's SSE parser.</summary>
internal sealed class LiveClient : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpResponseMessage _response;
    private readonly IAsyncEnumerator<SseItem<string>> _events;
    private readonly CancellationTokenSource _giveUp = new(TimeSpan.FromMinutes(3));

    private LiveClient(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _events = SseParser.Create(body).EnumerateAsync(_giveUp.Token).GetAsyncEnumerator(_giveUp.Token);
    }

    public static async Task<LiveClient> ConnectAsync(HttpClient client, string query = "", long? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/scores/live" + query);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is { } id)
        {
            request.Headers.Add("Last-Event-ID", id.ToString(CultureInfo.InvariantCulture));
        }

        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        // The headers go out with the retry hint, after the stream has fixed its starting point.
        return new LiveClient(response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>Reads the next <paramref name="count"/> result events (the test fails after three minutes without them).</summary>
    public async Task<List<LiveEvent>> ReadAsync(int count)
    {
        var events = new List<LiveEvent>();
        await ReadUntilAsync(item => item.EventType == "result", count, item =>
        {
            var e = JsonSerializer.Deserialize<LiveEvent>(item.Data, Json)!;
            events.Add(e with { Id = long.Parse(item.EventId!, CultureInfo.InvariantCulture) });
        });
        return events;
    }

    private async Task ReadUntilAsync(Func<SseItem<string>, bool> wanted, int count, Action<SseItem<string>> take)
    {
        while (count > 0)
        {
            if (!await _events.MoveNextAsync())
            {
                throw new InvalidOperationException("The live stream ended.");
            }

            if (wanted(_events.Current))
            {
                take(_events.Current);
                count--;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _giveUp.CancelAsync();
        try
        {
            await _events.DisposeAsync();
        }
        catch (OperationCanceledException)
        {
            // Ended by us.
        }

        _response.Dispose();
        _giveUp.Dispose();
    }
}
