using System.Buffers;
using System.Globalization;
using System.Reflection;
using System.Text;
using Gradebook.Storage;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace Gradebook.Live;

/// <summary>What a live stream uses, injected into <c>GET /scores/live</c>'s handler.</summary>
internal sealed record LiveStreamServices(
    ChangeFeed Feed,
    ChangeLogStore Store,
    IOptions<LiveOptions> Options,
    TimeProvider Time,
    ILogger<LiveStream> Logger,
    LiveMetrics Metrics,
    IHostApplicationLifetime Lifetime);

/// <summary>
/// One client's <c>GET /scores/live</c>: the changes after its cursor, read at its own pace, from the window while it
/// is near the end of the log and from the store when it is further back.
/// Written out by hand rather than with TypedResults.ServerSentEvents: SseItem cannot carry a comment, which a heartbeat is.
/// </summary>
internal sealed partial class LiveStream(long? lastEventId, LiveFilter filter, LiveStreamServices services) : IResult, IEndpointMetadataProvider
{
    private const int PageSize = 500;

    private static readonly byte[] Heartbeat = ": heartbeat\n\n"u8.ToArray();

    public async Task ExecuteAsync(HttpContext context)
    {
        var (feed, store, liveOptions, time, logger, metrics, lifetime) = services;
        var options = liveOptions.Value;
        // A stream never ends by itself: it ends when the client goes or the host stops, and the client resumes elsewhere.
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var aborted = ended.Token;

        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return; // the headers a GET would send, and no stream
        }

        var cursor = lastEventId ?? await store.LastIdAsync(aborted);
        var caughtUp = false;
        var retry = string.Create(CultureInfo.InvariantCulture, $"retry: {(long)options.ReconnectDelay.TotalMilliseconds}\n\n");
        metrics.Connected();
        feed.Attach();
        try
        {
            if (!await WriteAsync(context, [Encoding.UTF8.GetBytes(retry)], options.WriteTimeout, time))
            {
                return;
            }

            while (!aborted.IsCancellationRequested)
            {
                var next = feed.NextChange;
                var (frames, seenUpTo) = await ReadAsync(feed, store, cursor, aborted);
                if (frames.Count > 0 && !await WriteAsync(context, frames, options.WriteTimeout, time))
                {
                    LogSlowClient(logger, cursor, options.WriteTimeout);
                    metrics.Dropped("write_timeout");
                    return;
                }

                cursor = seenUpTo;

                // A client catching up from far back is not behind; one that had caught up and cannot keep up is.
                if (caughtUp && feed.Tail - cursor > options.MaxBehind)
                {
                    LogBehindClient(logger, cursor, feed.Tail - cursor);
                    metrics.Dropped("behind");
                    return;
                }

                if (frames.Count == PageSize)
                {
                    continue;
                }

                caughtUp = true;

                try
                {
                    await next.WaitAsync(options.HeartbeatInterval, time, aborted);
                }
                catch (TimeoutException)
                {
                    if (!await WriteAsync(context, [Heartbeat], options.WriteTimeout, time))
                    {
                        metrics.Dropped("write_timeout");
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client went away, or the host is stopping.
        }
        finally
        {
            feed.Detach();
            metrics.Disconnected();
        }
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(LiveResult), ["text/event-stream"]));

    private async Task<(List<byte[]> Frames, long SeenUpTo)> ReadAsync(
        ChangeFeed feed, ChangeLogStore store, long cursor, CancellationToken cancellationToken)
    {
        if (feed.TryRead(cursor, filter, PageSize) is { } window)
        {
            return ([.. window.Changes.Select(c => c.Frame)], window.SeenUpTo);
        }

        // Behind the window: this client reads the store, up to what the store has now.
        var upto = await store.LastIdAsync(cancellationToken);
        var rows = await store.ReadAsync(cursor, upto, filter.Exam, filter.StudentId, PageSize, cancellationToken);
        return ([.. rows.Select(ChangeFeed.Frame)], rows.Count == PageSize ? rows[^1].Id : Math.Max(cursor, upto));
    }

    /// <summary>Writes and flushes; false when the client took longer than <paramref name="timeout"/>, after which the connection is closed.</summary>
    private static async Task<bool> WriteAsync(HttpContext context, List<byte[]> frames, TimeSpan timeout, TimeProvider time)
    {
        var writer = context.Response.BodyWriter;
        foreach (var frame in frames)
        {
            writer.Write(frame);
        }

        // The wait is bounded here, whatever the transport does with a cancelled flush, and the connection closed.
        var flush = writer.FlushAsync(context.RequestAborted).AsTask();
        try
        {
            await flush.WaitAsync(timeout, time);
            return true;
        }
        catch (TimeoutException)
        {
            context.Abort();
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A live client at change {Cursor} did not read for {Timeout}: disconnected, it can resume from its last event id")]
    private static partial void LogSlowClient(ILogger logger, long cursor, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Information, Message = "A live client at change {Cursor} fell {Behind} changes behind: disconnected, it can resume from its last event id")]
    private static partial void LogBehindClient(ILogger logger, long cursor, long behind);
}
