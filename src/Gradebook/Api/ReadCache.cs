using System.Globalization;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Gradebook.Api;

/// <summary>
/// The entity tag, the 304 and the cached answer of every read, from a version that moves when the read's data does.
/// <list type="bullet">
/// <item>A list's version is the data version, which every write transaction moves forward as it commits. Its tag is
/// <c>"version"</c>; its answer is cached under the version and the request target, so a commit makes every earlier
/// answer unreachable, and the first read to see the newer version evicts them all at once (kept until the cache was
/// full, answers that no request could reach again lived long enough to be promoted to the collector's oldest
/// generation, and a catch-up's memory grew with them).</item>
/// <item>A read of one student or one exam (<see cref="ReadCacheExtensions.CachedByVersionOf"/>) has the version of that
/// student or exam, which a write moves only when it changes their results, so its tag (<c>"v7"</c>) and its answer
/// outlive writes to everyone else. Its answer is cached under its request target alone, beside the version it was read
/// at and the data version at which that version was last seen current: while the data version has not moved, a read
/// costs no query at all; once it has, one small query tells whether this student or exam moved with it.</item>
/// </list>
/// A version is read before the data, so an answer is never older than its tag (at worst it is newer, which only costs
/// a client one more full answer later).
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
        if (!HttpMethods.IsGet(context.Request.Method) || context.GetEndpoint()?.Metadata.GetMetadata<CachedReadMetadata>() is null)
        {
            await next(context);
            return;
        }

        var version = await dataVersion(context.RequestAborted);
        var csv = CsvResult.IsWanted(context.Request);
        if (context.GetEndpoint()?.Metadata.GetMetadata<EntityVersionMetadata>() is { } entity)
        {
            await InvokeForEntityAsync(context, next, entity, version, csv);
            return;
        }

        var expiry = Expiry(version);

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
            TagWhenOk(context, tag);
            await next(context);
            return;
        }

        var key = (version, Target(context));
        if (_answers.Get<Answer>(key) is { } cached)
        {
            await WriteAsync(context, tag, cached);
            return;
        }

        if (await AnswerAsync(context, next) is not { } answer)
        {
            return;
        }

        if (answer.Body.Length <= LargestCachedAnswer && expiry is not null)
        {
            _answers.Set(key, answer, new MemoryCacheEntryOptions { Size = answer.Body.Length + 64, ExpirationTokens = { expiry } });
        }

        await WriteAsync(context, tag, answer);
    }

    /// <summary>A read of one student or exam, tagged and cached by its own version (see the class summary).</summary>
    private async Task InvokeForEntityAsync(HttpContext context, RequestDelegate next, EntityVersionMetadata entity, long dataVersion, bool csv)
    {
        var key = new EntityKey(Target(context), csv);
        var known = _answers.Get<EntityAnswer>(key);
        var version = known is not null && known.SeenAt == dataVersion ? known.Version : await entity.VersionAsync(context, context.RequestAborted);
        if (version is not { } current)
        {
            // Nothing recorded, or not an id at all: the handler says which, untagged and uncached.
            await next(context);
            return;
        }

        var tag = new EntityTagHeaderValue($"\"v{current.ToString(CultureInfo.InvariantCulture)}{(csv ? "-csv" : "")}\"");
        var cached = known is not null && known.Version == current ? known.Answer : null;
        if (Matches(context.Request.GetTypedHeaders().IfNoneMatch, tag))
        {
            Remember(key, known, current, dataVersion, cached);
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            context.Response.Headers.ETag = tag.ToString();
            return;
        }

        if (csv)
        {
            Remember(key, known, current, dataVersion, null);
            TagWhenOk(context, tag);
            await next(context);
            return;
        }

        if (cached is not null)
        {
            Remember(key, known, current, dataVersion, cached);
            await WriteAsync(context, tag, cached);
            return;
        }

        if (await AnswerAsync(context, next) is not { } answer)
        {
            return;
        }

        Remember(key, known, current, dataVersion, answer.Body.Length <= LargestCachedAnswer ? answer : null);
        await WriteAsync(context, tag, answer);
    }

    /// <summary>
    /// Notes that the read at <paramref name="key"/> has <paramref name="version"/> as of <paramref name="dataVersion"/>,
    /// with its answer when there is one to keep; an entry that already says so only has its data version moved.
    /// </summary>
    private void Remember(EntityKey key, EntityAnswer? known, long version, long dataVersion, Answer? answer)
    {
        if (known is not null && known.Version == version && ReferenceEquals(known.Answer, answer))
        {
            known.SeenAt = Math.Max(known.SeenAt, dataVersion);
            return;
        }

        var entry = new EntityAnswer(version, answer) { SeenAt = dataVersion };
        _answers.Set(key, entry, new MemoryCacheEntryOptions { Size = (answer?.Body.Length ?? 0) + 96 });
    }

    /// <summary>Runs the handler into a buffer: its answer when it is a 200, otherwise null once it has been sent as it is.</summary>
    private static async Task<Answer?> AnswerAsync(HttpContext context, RequestDelegate next)
    {
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
            return null;
        }

        return new Answer(buffer.ToArray(), context.Response.ContentType);
    }

    /// <summary>
    /// The target exactly as sent, where the server gives it: handlers read ids from it, and Request.Path decodes %25 but
    /// not %2F, so two different targets can share one path. An in-memory test server gives none.
    /// </summary>
    private static string Target(HttpContext context) =>
        context.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw ? raw : context.Request.GetEncodedPathAndQuery();

    /// <summary>Tags a streamed answer, which is neither buffered nor kept, if it turns out to be a 200.</summary>
    private static void TagWhenOk(HttpContext context, EntityTagHeaderValue tag) =>
        context.Response.OnStarting(() =>
        {
            if (context.Response.StatusCode == StatusCodes.Status200OK)
            {
                context.Response.Headers.ETag = tag.ToString();
            }

            return Task.CompletedTask;
        });

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

    private sealed record EntityKey(string Target, bool Csv);

    /// <summary>A student's or exam's read: its version, the data version it was last known current at, and its answer if kept.</summary>
    private sealed record EntityAnswer(long Version, Answer? Answer)
    {
        public long SeenAt { get; set; }
    }

    private sealed class CachedReadMetadata;
}

/// <summary>Marks a read of one student or exam: how to read its version, null when it has no results (or no valid id).</summary>
internal sealed record EntityVersionMetadata(Func<HttpContext, CancellationToken, Task<long?>> VersionAsync);

internal static class ReadCacheExtensions
{
    /// <summary>Gives the endpoint's answers an entity tag, 304s and a cache, all keyed by the data version.</summary>
    public static TBuilder CachedByDataVersion<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(ReadCache.Marker);

    /// <summary>
    /// Gives a read of one student or exam an entity tag, 304s and a cache keyed by that student's or exam's version,
    /// which <paramref name="version"/> reads (null when there is none), so that writes to others leave them be.
    /// </summary>
    public static TBuilder CachedByVersionOf<TBuilder>(this TBuilder builder, Func<HttpContext, CancellationToken, Task<long?>> version)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(ReadCache.Marker, new EntityVersionMetadata(version));

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
