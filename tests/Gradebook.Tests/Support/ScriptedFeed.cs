using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gradebook.Tests.Support;

/// <summary>
/// A feed server on real HTTP whose every connection is answered by a test's script: the place to misbehave
/// (bad statuses, cut streams, stalls, garbage) in ways the emulator never does.
/// </summary>
internal sealed class ScriptedFeed : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _connections;

    private ScriptedFeed(WebApplication app)
    {
        _app = app;
        Url = new Uri(new Uri(app.Urls.First()), "/scores");
    }

    public Uri Url { get; }

    /// <summary>The Last-Event-ID each connection sent, in order (null when it sent none).</summary>
    public ConcurrentQueue<string?> LastEventIds { get; } = new();

    public int Connections => Volatile.Read(ref _connections);

    /// <param name="script">Answers connection number n (from 0) to the given context.</param>
    /// <param name="port">0 for any free port.</param>
    public static async Task<ScriptedFeed> StartAsync(Func<int, HttpContext, Task> script, int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        ScriptedFeed? feed = null;
        app.MapGet("/scores", async context =>
        {
            var n = Interlocked.Increment(ref feed!._connections) - 1;
            feed.LastEventIds.Enqueue(context.Request.Headers["Last-Event-ID"].FirstOrDefault());
            try
            {
                await script(n, context);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The reader hung up.
            }
            catch (IOException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The reader hung up mid-write.
            }
        });
        await app.StartAsync();
        feed = new ScriptedFeed(app);
        return feed;
    }

    /// <summary>Starts an event stream: status 200, <c>text/event-stream</c>, headers sent at once.</summary>
    public static async Task BeginStreamAsync(HttpContext context)
    {
        context.Response.ContentType = "text/event-stream";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    /// <summary>Writes bytes in pieces of <paramref name="chunk"/> bytes, flushing (and optionally pausing) after each.</summary>
    public static async Task WriteAsync(HttpContext context, byte[] bytes, int chunk = int.MaxValue, TimeSpan pause = default)
    {
        for (var i = 0; i < bytes.Length; i += chunk)
        {
            await context.Response.Body.WriteAsync(bytes.AsMemory(i, Math.Min(chunk, bytes.Length - i)), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            if (pause > TimeSpan.Zero)
            {
                await Task.Delay(pause, context.RequestAborted);
            }
        }
    }

    public static Task WriteAsync(HttpContext context, string text, int chunk = int.MaxValue, TimeSpan pause = default) =>
        WriteAsync(context, Encoding.UTF8.GetBytes(text), chunk, pause);

    /// <summary>Keeps the connection open without sending anything until the reader gives up.</summary>
    public static Task StallAsync(HttpContext context) => Task.Delay(Timeout.Infinite, context.RequestAborted);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>A feed of numbered valid score events that honours Last-Event-ID, for scripts to fall back on.</summary>
internal static class GoodFeed
{
    public static string Event(int id) =>
        $"id: {id}\nevent: score\ndata: {{\"studentId\":\"student{id % 7}\",\"exam\":{id / 5},\"score\":{(id % 10) / 10.0}}}\n\n";

    /// <summary>Sends events after the request's Last-Event-ID up to <paramref name="last"/>, then keeps the stream open.</summary>
    public static async Task ServeAsync(HttpContext context, int last)
    {
        var after = int.TryParse(context.Request.Headers["Last-Event-ID"], out var id) ? id : 0;
        await ScriptedFeed.BeginStreamAsync(context);
        var text = new StringBuilder();
        for (var i = after + 1; i <= last; i++)
        {
            text.Append(Event(i));
        }

        await ScriptedFeed.WriteAsync(context, text.ToString());
        await ScriptedFeed.StallAsync(context);
    }

    /// <summary>Highest score per (student, exam) of events 1..last, as the API should report them.</summary>
    public static Dictionary<(string Student, long Exam), double> Expected(int last) =>
        Enumerable.Range(1, last)
            .GroupBy(i => ($"student{i % 7}", (long)(i / 5)))
            .ToDictionary(g => g.Key, g => g.Max(i => (i % 10) / 10.0));
}
