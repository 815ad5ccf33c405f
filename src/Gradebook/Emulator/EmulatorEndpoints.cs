using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Http.Features;

namespace Gradebook.Emulator;

internal static partial class EmulatorEndpoints
{
    private const int EventsPerWrite = 4_096;

    /// <summary>Maps <c>GET /scores</c>: the emulated feed as <c>text/event-stream</c>, resumable with <c>Last-Event-ID</c>.</summary>
    public static IEndpointRouteBuilder MapEmulator(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/scores", StreamAsync)
            .WithName("streamEmulatedScores")
            .WithTags("Emulator")
            .WithSummary("The emulated live score feed (Server-Sent Events).")
            .Produces<string>(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return routes;
    }

    private static async Task StreamAsync(
        HttpContext context,
        ScoreFeed feed,
        Microsoft.Extensions.Options.IOptions<EmulatorOptions> options,
        IHostApplicationLifetime lifetime,
        ILogger<ScoreFeed> logger)
    {
        var lastEventId = context.Request.Headers["Last-Event-ID"].ToString();
        if (feed.StartPosition(lastEventId, out var refusal) is not { } position)
        {
            // Sending the feed from the start instead would make the client store every event twice.
            LogRefused(logger, refusal!);
            await TypedResults.Problem(refusal, statusCode: StatusCodes.Status400BadRequest, title: "The Last-Event-ID cannot be served.")
                .ExecuteAsync(context);
            return;
        }

        // The stream ends when the host begins to stop, so a stopping host is not held open by its own feed.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var cancellationToken = stopping.Token;
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        var writer = response.BodyWriter;
        writer.Write(Encoding.UTF8.GetBytes($": gradebook score feed emulator\nretry: {options.Value.RetryMilliseconds}\n\n"));
        await writer.FlushAsync(cancellationToken);

        var heartbeat = TimeSpan.FromSeconds(options.Value.HeartbeatSeconds);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var events = await feed.NextAsync(position, EventsPerWrite, heartbeat, cancellationToken);
                if (events.Count == 0)
                {
                    // A comment keeps idle connections (and the readers' stall watchdogs) alive.
                    writer.Write(": heartbeat\n"u8);
                }
                else
                {
                    foreach (var e in events)
                    {
                        writer.Write(e.Frame);
                    }

                    position = events[^1].Id;
                }

                await writer.FlushAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away, or the host is stopping: nothing more to send.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a client of the emulated feed: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);
}
