using System.Globalization;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Gradebook.Api;

/// <summary>
/// The entity tag, the 304 and the cached answer of every read, all from one number: the data version, which every
/// write transaction moves forward as it commits. A read's tag is <c>"version"</c>; its answer is cached under the
/// version and the request target, so a commit makes every earlier answer unreachable, and the first read to see the
/// newer version evicts them all at once (kept until the cache was full, answers that no request could reach again
/// lived long enough to be promoted to the collector's oldest generation, and a catch-up's memory grew with them). The
/// version is read before the data, so an answer is never older than its tag (at worst it is newer, which only costs a
/// client one more full answer later).
/// </summary>
internal sealed class ReadCache(Func<CancellationToken, ValueTask<long>> dataVersion) : IDisposable
{
    /// <summary>Answers larger than this are sent but not kept, so one huge page cannot push out thousands of small ones.</summary>
    private const int LargestCachedAnswer = 256 * 1024;

    private readonly MemoryCache _answers = new(new MemoryCacheOptions { SizeLimit = 64 * 1024 * 1024 });
    private readonly Lock _gate = new();
    private long _newestVersion = -1;

    /// <summary>Cancelled when a newer version is seen, which evicts every answer cached under the one before.</summary>
    private CancellationTokenSource _newestAnswers = new();

    /// <summary>Marks an endpoint as a read whose answer depends only on the stored data and its request target.</summary>
    public static readonly object Marker = new CachedReadMetadata();

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        // HEAD is answered as GET is, tag, 304 and length included; the server sends no body for it.
        var method = context.Request.Method;
        if (!(HttpMethods.IsGet(method) || HttpMethods.IsHead(method)) || context.GetEndpoint()?.Metadata.GetMetadata<CachedReadMetadata>() is null)
        {
            await next(context);
            return;
        }

        var version = await dataVersion(context.RequestAborted);
        var expiry = Expiry(version);
        var csv = CsvResult.IsWanted(context.Request);

        // Each representation has a tag of its own: the CSV of a read is not its JSON.
        var tag = new EntityTagHeaderValue($"\"{version.ToString(CultureInfo.InvariantCulture)}{(csv ? "-csv" : "")}\"");
        if (Matches(context.Request.GetTypedHeaders().IfNoneMatch, tag))
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            context.Response.Headers.ETag = tag.ToString();
            return;
        }

        if (csv)
        {
            // Streamed as it is read from the database, whole lists included, so never buffered or kept here.
            context.Response.OnStarting(() =>
            {
                if (context.Response.StatusCode == StatusCodes.Status200OK)
                {
                    context.Response.Headers.ETag = tag.ToString();
                }

                return Task.CompletedTask;
            });
            await next(context);
            return;
        }

        // The target exactly as sent, where the server gives it: handlers read ids from it, and Request.Path decodes
        // %25 but not %2F, so two different targets can share one path. An in-memory test server gives none.
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        var key = (version, string.IsNullOrEmpty(raw) ? context.Request.GetEncodedPathAndQuery() : raw);
        if (_answers.Get<Answer>(key) is { } cached)
        {
            await WriteAsync(context, tag, cached);
            return;
        }

        var body = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = body;
        }

        if (context.Response.StatusCode != StatusCodes.Status200OK)
        {
            buffer.Position = 0;
            await buffer.CopyToAsync(body, context.RequestAborted);
            return;
        }

        var answer = new Answer(buffer.ToArray(), context.Response.ContentType);
        if (answer.Body.Length <= LargestCachedAnswer && expiry is not null)
        {
            _answers.Set(key, answer, new MemoryCacheEntryOptions { Size = answer.Body.Length + 64, ExpirationTokens = { expiry } });
        }

        await WriteAsync(context, tag, answer);
    }

    /// <summary>How many answers are cached now.</summary>
    internal int Count => _answers.Count;

    public void Dispose() => _answers.Dispose();

    /// <summary>
    /// The token that expires answers of <paramref name="version"/>, evicting those of older versions first if it is
    /// the newest yet seen; null for an older version, whose answers are not worth keeping.
    /// </summary>
    private CancellationChangeToken? Expiry(long version)
    {
        lock (_gate)
        {
            if (version > _newestVersion)
            {
                // Not disposed: entries still hold registrations on its token, and it has no timer to release.
                _newestAnswers.Cancel();
                _newestAnswers = new CancellationTokenSource();
                _newestVersion = version;
            }

            return version == _newestVersion ? new CancellationChangeToken(_newestAnswers.Token) : null;
        }
    }

    private static bool Matches(IList<EntityTagHeaderValue> ifNoneMatch, EntityTagHeaderValue tag)
    {
        foreach (var candidate in ifNoneMatch)
        {
            // If-None-Match compares weakly (RFC 9110, 13.1.2): W/"7" matches "7".
            if (candidate.Equals(EntityTagHeaderValue.Any) || candidate.Compare(tag, useStrongComparison: false))
            {
                return true;
            }
        }

        return false;
    }

    private static Task WriteAsync(HttpContext context, EntityTagHeaderValue tag, Answer answer)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = answer.ContentType;
        context.Response.ContentLength = answer.Body.Length;
        context.Response.Headers.ETag = tag.ToString();
        return context.Response.Body.WriteAsync(answer.Body, context.RequestAborted).AsTask();
    }

    private sealed record Answer(byte[] Body, string? ContentType);

    private sealed class CachedReadMetadata;
}

internal static class ReadCacheExtensions
{
    /// <summary>Gives the endpoint's answers an entity tag, 304s and a cache, all keyed by the data version.</summary>
    public static TBuilder CachedByDataVersion<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(ReadCache.Marker);

    /// <summary>Registers the read cache over a function that returns the store's current data version.</summary>
    public static IServiceCollection AddReadCache(
        this IServiceCollection services, Func<IServiceProvider, Func<CancellationToken, ValueTask<long>>> dataVersion) =>
        services.AddSingleton(provider => new ReadCache(dataVersion(provider)));

    public static IApplicationBuilder UseReadCache(this IApplicationBuilder app)
    {
        var cache = app.ApplicationServices.GetRequiredService<ReadCache>();
        return app.Use(next => context => cache.InvokeAsync(context, next));
    }
}
