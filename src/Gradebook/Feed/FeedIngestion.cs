using System.Threading.Channels;
using Gradebook.Operations;
using Gradebook.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Gradebook.Feed;

/// <summary>
/// Reads the live feed forever and commits what it reads. Two loops joined by a bounded queue: the reader parses
/// Server-Sent Events and validates each one; the writer commits them in batches, one transaction per batch.
/// The reader reconnects with backoff, resuming from the last <em>committed</em> event id.
/// </summary>
internal sealed partial class FeedIngestion(
    Store store,
    IOptions<FeedOptions> options,
    FeedStatus status,
    FeedMetrics metrics,
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
            status.Enter(ConnectionState.Stopped, time.GetUtcNow());
            return;
        }

        var (source, url) = await ResolveFeedAsync(stoppingToken);
        status.Source = source;
        var cursor = await store.GetFeedAsync(source, stoppingToken);
        status.LastCommittedEventId = cursor?.LastEventId;
        if (cursor?.LastEventId is { } resumeAfter)
        {
            LogResuming(source, url, resumeAfter);
        }
        else
        {
            LogStartingFresh(source, url);
        }

        var queue = Channel.CreateBounded<FeedEvent>(new BoundedChannelOptions(_options.QueueCapacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        var writing = WriteAsync(source, queue.Reader);
        // Reading stops as soon as the host begins to stop, together with the embedded emulator's stream.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime.ApplicationStopping);
        try
        {
            await ReadAsync(url, queue.Writer, stopping.Token);
        }
        finally
        {
            // Shutting down: stop reading, but commit everything already received before returning.
            queue.Writer.Complete();
            await writing;
            status.Enter(ConnectionState.Stopped, time.GetUtcNow());
            var pending = status.Pending;
            var noun = Counted.Noun(pending, "event", "events");
            LogStopped(source, status.LastCommittedEventId ?? "none", pending, noun);
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
            TimeSpan? delay = null;
            try
            {
                await WhenAllCommittedAsync(cancellationToken);
                status.Enter(ConnectionState.Connecting, time.GetUtcNow());
                await using var connection = await FeedConnection.OpenAsync(
                    http, url, status.LastCommittedEventId, _options, time, cancellationToken);
                status.Enter(ConnectionState.Connected, time.GetUtcNow());
                status.LastError = null;
                if (status.LastCommittedEventId is { } lastEventId)
                {
                    LogConnected(url, lastEventId);
                }
                else
                {
                    LogConnectedFresh(url);
                }
                try
                {
                    await foreach (var received in connection.ReadEventsAsync(time, _options.MaxEventBytes, cancellationToken))
                    {
                        // Counted before it is queued, so the writer can never commit an event not yet counted.
                        status.Received(received.ReceivedAt);
                        if (!queue.TryWrite(received))
                        {
                            try
                            {
                                await queue.WriteAsync(received, cancellationToken);
                            }
                            catch (OperationCanceledException)
                            {
                                // Stopping while the queue was full: this event was never queued; the feed sends it again.
                                status.Abandoned();
                                throw;
                            }
                        }

                        failures = 0;
                    }
                }
                finally
                {
                    retry = connection.Retry ?? retry;
                }

                throw new FeedProtocolException("the feed closed the stream");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (FeedNoContentException e)
            {
                // 204 asks a browser to stop reconnecting; a service that must ingest forever asks again, slowly.
                status.LastError = e.Message;
                delay = _options.MaxReconnectDelay;
            }
            catch (Exception e) when (e is HttpRequestException or HttpIOException or IOException or TimeoutException or FeedProtocolException)
            {
                status.LastError = e.Message;
            }

            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            status.Enter(ConnectionState.WaitingToReconnect, time.GetUtcNow());
            status.CountReconnect();
            metrics.Reconnected();
            delay ??= policy.Delay(failures++, retry);
            LogDisconnected(url, status.LastError, delay.Value.TotalMilliseconds);
            try
            {
                await Task.Delay(delay.Value, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
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
        var started = time.GetTimestamp();
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
                var noun = Counted.Noun(batch.Count, "event", "events");
                LogCommitFailed(e, batch.Count, noun, delay.TotalMilliseconds);
                await Task.Delay(delay, time);
            }
        }

        metrics.Committed(batch, time.GetElapsedTime(started));
        status.Committed(batch.Count, batch.LastOrDefault(e => e.EventId is not null)?.EventId, time.GetUtcNow());
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingesting feed {Source} from {Url}, resuming after event {LastEventId}")]
    private partial void LogResuming(string source, Uri url, string lastEventId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingesting feed {Source} from {Url}, resuming from the start")]
    private partial void LogStartingFresh(string source, Uri url);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to {Url}, Last-Event-ID {LastEventId}")]
    private partial void LogConnected(Uri url, string lastEventId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to {Url}, resuming from the start")]
    private partial void LogConnectedFresh(Uri url);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Feed {Url} disconnected ({Reason}); reconnecting in {DelayMs:F0} ms")]
    private partial void LogDisconnected(Uri url, string? reason, double delayMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Committing a batch of {Count} {EventNoun} failed; retrying in {DelayMs:F0} ms")]
    private partial void LogCommitFailed(Exception exception, int count, string eventNoun, double delayMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped ingesting feed {Source}; last committed event {LastEventId}; {Pending} {EventNoun} left uncommitted")]
    private partial void LogStopped(string source, string lastEventId, long pending, string eventNoun);
}
