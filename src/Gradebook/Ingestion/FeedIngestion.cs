using System.Threading.Channels;
using Gradebook.Feed;
using Gradebook.Grading;
using Gradebook.Storage;

// Past 250 lines on purpose: the reader and the writer loops share the feed's status and lease, and read best together.
namespace Gradebook.Ingestion;

/// <summary>
/// Reads one feed and commits what it reads, for as long as this instance holds the feed's lease. Two loops joined by
/// a bounded queue: the reader parses Server-Sent Events and validates each one; the writer commits them in batches,
/// one transaction per batch, each proving the lease (<see cref="BatchWriter"/>). The reader reconnects with backoff,
/// resuming from the last <em>committed</em> event id. A failed commit is retried only when the fault is transient
/// (<see cref="TransientFaults"/>); past <c>Feed:FailingAfter</c> failures, or at once for any other fault, the feed is
/// failing, loudly and once; meanwhile the full queue stops the reader, so nothing received is lost. Stopping drains
/// for at most <c>Feed:DrainTimeout</c>: reading ends, what was received is committed, and what could not be is read
/// again at the next start. Losing the lease ends both loops at once and commits nothing more: the feed's new owner
/// resumes from the last committed event.
/// </summary>
internal sealed partial class FeedIngestion(
    IngestedFeed feed,
    FeedLease lease,
    FeedStore store,
    BatchWriter writer,
    FeedMetrics metrics,
    TimeProvider time,
    ILogger<FeedIngestion> logger)
{
    /// <summary>
    /// How many nice levels below the requests' threads a feed's threads run when reads come first
    /// (<see cref="FeedPriority.Reads"/>): 3 kept a catch-up at 60-72 % of its speed under reads without pause, with
    /// their p99 at 23-29 ms; 10 gave 14-15 ms, the catch-up at half speed (docs/benchmarks.md, "Reads during a catch-up").
    /// </summary>
    private const int BelowRequests = 3;

    private readonly FeedOptions _options = feed.Options;
    private readonly FeedStatus _status = feed.Status;

    /// <summary>Ingests from <paramref name="url"/> until <paramref name="stoppingToken"/> fires (then drains) or the lease is lost (then throws <see cref="FeedLeaseLostException"/>).</summary>
    public async Task RunAsync(Uri url, CancellationToken stoppingToken)
    {
        var source = feed.Name;
        _status.Source = source;
        var cursor = await store.GetCursorAsync(source, stoppingToken);
        _status.LastCommittedEventId = cursor?.LastEventId;
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
        using var lost = new CancellationTokenSource();
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lost.Token);

        // Stopping starts the drain's clock: the writer commits what was received until then, and no longer.
        using var drain = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        await using var drainClock = stoppingToken.Register(() => drain.CancelAfter(_options.DrainTimeout));
        var nice = _options.Priority == FeedPriority.Reads ? BelowRequests : 0;
        using var writerThread = new IngestionThread($"Feed {source} writer", nice);
        using var readerThread = new IngestionThread($"Feed {source} reader", nice);
        var writing = writerThread.RunAsync(() => WriteAsync(queue.Reader, lost, stoppingToken, drain.Token));
        try
        {
            await readerThread.RunAsync(() => ReadAsync(url, queue.Writer, reading.Token));
        }
        finally
        {
            // Stopping: reading has ended; commit everything already received before returning (unless the lease is lost).
            queue.Writer.Complete();
            var drained = true;
            try
            {
                await writing;
            }
            catch (OperationCanceledException) when (drain.IsCancellationRequested)
            {
                drained = false;
            }
            finally
            {
                _status.Enter(ConnectionState.Stopped, time.GetUtcNow());
                var pending = _status.Pending;
                var noun = Counted.Noun(pending, "event", "events");
                var last = _status.LastCommittedEventId ?? "none";
                if (lost.IsCancellationRequested)
                {
                    LogLost(source, last, pending, noun);
                    _status.DropPending();
                }
                else if (!drained)
                {
                    LogDrainTimedOut(source, _options.DrainTimeout.TotalSeconds, last, pending, noun);
                }
                else
                {
                    LogStopped(source, last, pending, noun);
                }
            }
        }
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
                // Last-Event-ID must name the last committed event, so the writer catches up before reconnecting.
                await _status.WhenAllCommittedAsync(cancellationToken);
                _status.Enter(ConnectionState.Connecting, time.GetUtcNow());
                await using var connection = await FeedConnection.OpenAsync(
                    http, url, _status.LastCommittedEventId, _options, time, cancellationToken);
                _status.Enter(ConnectionState.Connected, time.GetUtcNow());
                _status.LastError = null;
                if (_status.LastCommittedEventId is { } lastEventId)
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
                        _status.Received(received.ReceivedAt);
                        if (!queue.TryWrite(received))
                        {
                            try
                            {
                                await queue.WriteAsync(received, cancellationToken);
                            }
                            catch (OperationCanceledException)
                            {
                                // Stopping while the queue was full: this event was never queued; the feed sends it again.
                                _status.Abandoned();
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
                _status.LastError = e.Message;
                delay = _options.MaxReconnectDelay;
            }
            catch (Exception e) when (e is HttpRequestException or HttpIOException or IOException or TimeoutException or FeedProtocolException)
            {
                _status.LastError = e.Message;
            }

            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            _status.Enter(ConnectionState.WaitingToReconnect, time.GetUtcNow());
            _status.CountReconnect();
            metrics.Reconnected(feed.Name);
            delay ??= policy.Delay(failures++, retry);
            LogDisconnected(url, _status.LastError, delay.Value.TotalMilliseconds);
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

    /// <summary>
    /// The writer loop: takes what is queued, up to a batch, and commits it, until the queue is completed and empty (a
    /// drain), the drain's time is up, the lease is lost, or a fault that cannot be retried parks it until stopping.
    /// </summary>
    private async Task WriteAsync(ChannelReader<FeedEvent> queue, CancellationTokenSource lost, CancellationToken stopping, CancellationToken drain)
    {
        var batch = new List<FeedEvent>(_options.BatchSize);
        try
        {
            try
            {
                while (await queue.WaitToReadAsync(drain))
                {
                    while (batch.Count < _options.BatchSize && queue.TryRead(out var e))
                    {
                        batch.Add(e);
                    }

                    if (!await CommitAsync(batch, drain))
                    {
                        await ParkAsync(stopping);
                        return;
                    }

                    batch.Clear();
                }
            }
            catch (Exception e) when (e is not FeedLeaseLostException && !(e is OperationCanceledException && drain.IsCancellationRequested))
            {
                // Anything else the writer meets is a bug: said once, shown as failing, never retried.
                _status.CommitFailed(e.Message, failing: true, time.GetUtcNow());
                metrics.CommitFailed(feed.Name, transient: false);
                LogWriterFailed(e, feed.Name);
                await ParkAsync(stopping);
            }
        }
        catch (FeedLeaseLostException)
        {
            // Nothing more of this feed may be committed here: stop reading at once, keep nothing of what is queued.
            await lost.CancelAsync();
            throw;
        }
    }

    /// <summary>
    /// After a fault that is not retried: holds everything received (the full queue stops the reader) until the host
    /// stops, and the next start reads it again from the feed. Meanwhile it watches the lease, so a feed another
    /// instance has taken is let go rather than held here for ever.
    /// </summary>
    private async Task ParkAsync(CancellationToken stopping)
    {
        var policy = new ReconnectPolicy(_options.ReconnectDelay, _options.MaxReconnectDelay, new Random());
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                await Task.Delay(policy.Delay(attempt, null), time, stopping);
                if (await lease.IsLostAsync(stopping))
                {
                    throw new FeedLeaseLostException(feed.Name);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Commits one batch, retrying transient faults with the one backoff rule for as long as the lease is held (a batch
    /// is never dropped); the drain's deadline ends the retries. Returns false, the feed failing, on a fault that is not
    /// transient. A lost lease ends the retries: the batch is the new owner's to read again.
    /// </summary>
    private async Task<bool> CommitAsync(List<FeedEvent> batch, CancellationToken drain)
    {
        var policy = new ReconnectPolicy(_options.ReconnectDelay, _options.MaxReconnectDelay, new Random());
        var started = time.GetTimestamp();
        var failures = 0;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await writer.WriteFeedBatchAsync(lease, batch, drain);
                break;
            }
            catch (Exception e) when (e is not FeedLeaseLostException && !(e is OperationCanceledException && drain.IsCancellationRequested))
            {
                if (await lease.IsLostAsync(drain))
                {
                    throw new FeedLeaseLostException(feed.Name, e);
                }

                var transient = TransientFaults.IsTransient(e);
                var wasFailing = _status.Failing;
                failures = _status.CommitFailed(e.Message, failing: !transient || attempt + 1 >= _options.FailingAfter, time.GetUtcNow());
                metrics.CommitFailed(feed.Name, transient);
                var noun = Counted.Noun(batch.Count, "event", "events");
                if (!transient)
                {
                    LogCommitFailedPermanently(e, feed.Name, batch.Count, noun);
                    return false;
                }

                var delay = policy.Delay(attempt, null);
                if (_status.Failing && !wasFailing)
                {
                    LogFailing(e, feed.Name, failures, batch.Count, noun, delay.TotalMilliseconds);
                }
                else if (!_status.Failing)
                {
                    LogCommitRetrying(feed.Name, e.Message, batch.Count, noun, delay.TotalMilliseconds);
                }

                await Task.Delay(delay, time, drain);
            }
        }

        if (_status.Failing)
        {
            LogRecovered(feed.Name, failures);
        }

        metrics.Committed(feed.Name, batch, time.GetElapsedTime(started));
        _status.Committed(batch.Count, batch.LastOrDefault(e => e.EventId is not null)?.EventId, time.GetUtcNow());
        return true;
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Committing a batch of {Count} {EventNoun} of feed {Source} failed ({Reason}); retrying in {DelayMs:F0} ms")]
    private partial void LogCommitRetrying(string source, string reason, int count, string eventNoun, double delayMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Feed {Source} is failing: {Failures} commits in a row failed; a batch of {Count} {EventNoun} waits, reading is paused, and commits are retried every {DelayMs:F0} ms or less")]
    private partial void LogFailing(Exception exception, string source, int failures, int count, string eventNoun, double delayMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Feed {Source} is failing: committing a batch of {Count} {EventNoun} failed with a fault that is not transient, so it is not retried; ingestion of this feed is paused until the fault is fixed and Gradebook restarted, which then reads the feed again from its last committed event")]
    private partial void LogCommitFailedPermanently(Exception exception, string source, int count, string eventNoun);

    [LoggerMessage(Level = LogLevel.Error, Message = "Feed {Source} is failing: its writer met a fault it cannot handle, so ingestion of this feed is paused until Gradebook is restarted, which then reads the feed again from its last committed event")]
    private partial void LogWriterFailed(Exception exception, string source);

    [LoggerMessage(Level = LogLevel.Information, Message = "Feed {Source} recovered: a batch committed after {Failures} failed attempts")]
    private partial void LogRecovered(string source, int failures);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopped ingesting feed {Source} after waiting {DrainSeconds:F0} s for commits; last committed event {LastEventId}; {Pending} {EventNoun} left uncommitted are read again from the feed at the next start")]
    private partial void LogDrainTimedOut(string source, double drainSeconds, string lastEventId, long pending, string eventNoun);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped ingesting feed {Source}; last committed event {LastEventId}; {Pending} {EventNoun} left uncommitted")]
    private partial void LogStopped(string source, string lastEventId, long pending, string eventNoun);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the lease of feed {Source}: stopped at once, last committed event {LastEventId}; {Pending} {EventNoun} received here are left to the feed's next owner")]
    private partial void LogLost(string source, string lastEventId, long pending, string eventNoun);
}
