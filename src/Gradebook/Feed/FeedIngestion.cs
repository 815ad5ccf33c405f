using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Threading.Channels;
using Gradebook.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Gradebook.Feed;

/// <summary>The feed answered in a way that is not an event stream (a bad status, the wrong content type, a closed stream).</summary>
internal sealed class FeedProtocolException(string message) : Exception(message);

/// <summary>
/// Reads the live feed forever and commits what it reads. Two loops joined by a bounded queue: the reader parses
/// Server-Sent Events and validates each one; the writer commits them in batches, one transaction per batch.
/// The reader reconnects with backoff, resuming from the last <em>committed</em> event id.
/// </summary>
internal sealed partial class FeedIngestion(
    Store store,
    IOptions<FeedOptions> options,
    FeedStatus status,
    IServer server,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<FeedIngestion> logger) : BackgroundService
{
    public const string EmulatorSource = "emulator";

    private readonly FeedOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            status.State = ConnectionState.Stopped;
            return;
        }

        var (source, url) = await ResolveFeedAsync(stoppingToken);
        status.Source = source;
        var cursor = await store.GetFeedAsync(source, stoppingToken);
        status.LastCommittedEventId = cursor?.LastEventId;
        LogStarting(source, url, cursor?.LastEventId);

        var queue = Channel.CreateBounded<FeedEvent>(new BoundedChannelOptions(_options.QueueCapacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        var writing = WriteAsync(source, queue.Reader);
        try
        {
            await ReadAsync(url, queue.Writer, stoppingToken);
        }
        finally
        {
            // Shutting down: stop reading, but commit everything already received before returning.
            queue.Writer.Complete();
            await writing;
            status.State = ConnectionState.Stopped;
            LogStopped(source, status.LastCommittedEventId);
        }
    }

    private async Task<(string Source, Uri Url)> ResolveFeedAsync(CancellationToken cancellationToken)
    {
        if (!_options.UsesEmulator)
        {
            return (_options.Url!, new Uri(_options.Url!));
        }

        // The embedded emulator is served by this host, so its address is known only once the server listens.
        var started = new TaskCompletionSource();
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(cancellationToken);
        }

        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The embedded emulator needs the host to listen on an HTTP address; set Feed:Url instead.");
        var loopback = address
            .Replace("://+:", "://127.0.0.1:", StringComparison.Ordinal)
            .Replace("://*:", "://127.0.0.1:", StringComparison.Ordinal)
            .Replace("://0.0.0.0:", "://127.0.0.1:", StringComparison.Ordinal)
            .Replace("://[::]:", "://[::1]:", StringComparison.Ordinal);
        return (EmulatorSource, new Uri(new Uri(loopback), "/scores"));
    }

    private async Task ReadAsync(Uri url, ChannelWriter<FeedEvent> queue, CancellationToken cancellationToken)
    {
        var policy = new ReconnectPolicy(_options.ReconnectDelay, _options.MaxReconnectDelay, new Random());
        using var http = new HttpClient(new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(10),
            MaxAutomaticRedirections = 5,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };

        var failures = 0;
        TimeSpan? retry = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            var delay = TimeSpan.Zero;
            try
            {
                await WhenAllCommittedAsync(cancellationToken);
                status.State = ConnectionState.Connecting;
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
                if (status.LastCommittedEventId is { } lastEventId)
                {
                    request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
                }

                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                EnsureEventStream(response);
                status.State = ConnectionState.Connected;
                status.LastError = null;
                LogConnected(url, status.LastCommittedEventId);

                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                var parser = SseParser.Create(body, (type, data) => FeedEvent.Read(type, data, time.GetUtcNow()));
                try
                {
                    await foreach (var item in parser.EnumerateAsync(cancellationToken))
                    {
                        var received = item.EventId is { } id ? item.Data with { EventId = id } : item.Data;
                        status.Received();
                        status.LastEventAt = received.ReceivedAt;
                        await queue.WriteAsync(received, cancellationToken);
                        failures = 0;
                    }
                }
                finally
                {
                    retry = parser.ReconnectionInterval > TimeSpan.Zero && parser.ReconnectionInterval != Timeout.InfiniteTimeSpan
                        ? parser.ReconnectionInterval
                        : retry;
                }

                throw new FeedProtocolException("the feed closed the stream");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (FeedNoContentException e)
            {
                status.LastError = e.Message;
                delay = _options.MaxReconnectDelay;
            }
            catch (Exception e) when (e is HttpRequestException or HttpIOException or IOException or FeedProtocolException)
            {
                status.LastError = e.Message;
            }

            status.State = ConnectionState.WaitingToReconnect;
            status.CountReconnect();
            if (delay == TimeSpan.Zero)
            {
                delay = policy.Delay(failures++, retry);
            }

            LogDisconnected(url, status.LastError, delay.TotalMilliseconds);
            try
            {
                await Task.Delay(delay, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
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

    /// <summary>Waits until the writer has committed every received event, so Last-Event-ID names the last committed one.</summary>
    private async Task WhenAllCommittedAsync(CancellationToken cancellationToken)
    {
        while (status.Pending > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), time, cancellationToken);
        }
    }

    private async Task WriteAsync(string source, ChannelReader<FeedEvent> queue)
    {
        var batch = new List<FeedEvent>(_options.BatchSize);
        while (await queue.WaitToReadAsync())
        {
            while (batch.Count < _options.BatchSize && queue.TryRead(out var e))
            {
                batch.Add(e);
            }

            await CommitAsync(source, batch);
            batch.Clear();
        }
    }

    /// <summary>Commits one batch, retrying until the store takes it: a batch is never dropped.</summary>
    private async Task CommitAsync(string source, List<FeedEvent> batch)
    {
        var policy = new ReconnectPolicy(_options.ReconnectDelay, _options.MaxReconnectDelay, new Random());
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await store.WriteFeedBatchAsync(source, batch, CancellationToken.None);
                break;
            }
            catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException or IOException)
            {
                var delay = policy.Delay(attempt, null);
                LogCommitFailed(e, batch.Count, delay.TotalMilliseconds);
                await Task.Delay(delay, time);
            }
        }

        status.LastCommittedEventId = batch.LastOrDefault(e => e.EventId is not null)?.EventId ?? status.LastCommittedEventId;
        status.LastCommitAt = time.GetUtcNow();
        status.Committed(batch.Count);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingesting feed {Source} from {Url}, resuming after event {LastEventId}")]
    private partial void LogStarting(string source, Uri url, string? lastEventId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to {Url}, Last-Event-ID {LastEventId}")]
    private partial void LogConnected(Uri url, string? lastEventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Feed {Url} disconnected ({Reason}); reconnecting in {DelayMs:F0} ms")]
    private partial void LogDisconnected(Uri url, string? reason, double delayMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Committing a batch of {Count} events failed; retrying in {DelayMs:F0} ms")]
    private partial void LogCommitFailed(Exception exception, int count, double delayMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped ingesting feed {Source}; last committed event {LastEventId}")]
    private partial void LogStopped(string source, string? lastEventId);
}

/// <summary>The feed answered 204 No Content: it has nothing to send now.</summary>
internal sealed class FeedNoContentException() : Exception("the feed answered 204 No Content");
