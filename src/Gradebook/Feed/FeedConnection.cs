using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;

using Gradebook.Grading;

namespace Gradebook.Feed;

/// <summary>The feed answered in a way that is not an event stream (a bad status, the wrong content type, a closed stream).</summary>
internal sealed class FeedProtocolException(string message) : Exception(message);

/// <summary>The feed answered 204 No Content: it has nothing to send now.</summary>
internal sealed class FeedNoContentException() : Exception("the feed answered 204 No Content");

/// <summary>One connection to the feed: the request, the checks on the response, and the events read from its body.</summary>
internal sealed class FeedConnection : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly FeedBodyStream _body;
    private SseParser<FeedEvent>? _parser;

    private FeedConnection(HttpResponseMessage response, FeedBodyStream body)
    {
        _response = response;
        _body = body;
    }

    /// <summary>The reconnection delay the feed asked for with <c>retry:</c>, if it did.</summary>
    public TimeSpan? Retry => _parser?.ReconnectionInterval is { } retry && retry > TimeSpan.Zero && retry != Timeout.InfiniteTimeSpan
        ? retry
        : null;

    public static async Task<FeedConnection> OpenAsync(
        HttpClient http, Uri url, string? lastEventId, FeedOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }

        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        try
        {
            EnsureEventStream(response);
            var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            return new FeedConnection(response, new FeedBodyStream(body, options.MaxEventBytes, options.ReadTimeout, time));
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>Every event of the stream, read and validated, until the feed closes it.</summary>
    public IAsyncEnumerable<FeedEvent> ReadEventsAsync(TimeProvider time, int maxEventBytes, CancellationToken cancellationToken)
    {
        _parser = Parser(_body, time, maxEventBytes);
        return Read(_parser, cancellationToken);
    }

    /// <summary>The events of an SSE byte stream, guarded by <see cref="FeedBodyStream"/>.</summary>
    public static SseParser<FeedEvent> Parser(FeedBodyStream body, TimeProvider time, int maxEventBytes) =>
        SseParser.Create(body, (type, data) => body.ClosingOversizedEvent
            ? FeedEvents.Oversized(data, maxEventBytes, time.GetUtcNow())
            : FeedEvents.Read(type, data, time.GetUtcNow()));

    public static async IAsyncEnumerable<FeedEvent> Read(SseParser<FeedEvent> parser, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in parser.EnumerateAsync(cancellationToken))
        {
            // An event's id is the stream's last event id as of the event, whether or not the event set it.
            var id = string.IsNullOrEmpty(parser.LastEventId) ? null : parser.LastEventId;
            yield return id is null ? item.Data : item.Data with { EventId = id };
        }
    }

    private static void EnsureEventStream(HttpResponseMessage response)
    {
        if (response.StatusCode == System.Net.HttpStatusCode.NoContent)
        {
            throw new FeedNoContentException();
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new FeedProtocolException($"the feed answered {(int)response.StatusCode} {response.ReasonPhrase}");
        }

        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (!string.Equals(mediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            throw new FeedProtocolException($"the feed answered with content type '{mediaType}', not text/event-stream");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _body.DisposeAsync();
        _response.Dispose();
    }
}
