using System.Text;
using Gradebook.Api;
using Gradebook.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Gradebook.Tests.Api;

/// <summary>The read cache's keeping and eviction, driven directly with a data version the test moves.</summary>
public sealed class ReadCacheTests : IDisposable
{
    private long _version = 1;
    private int _answered;
    private readonly ReadCache _cache;

    public ReadCacheTests() => _cache = new ReadCache(_ => ValueTask.FromResult(Interlocked.Read(ref _version)));

    public void Dispose() => _cache.Dispose();

    [Fact]
    public async Task An_answer_is_served_from_the_cache_until_the_version_moves_and_then_every_older_one_is_evicted()
    {
        Assert.Equal("/a at 1", await GetAsync("/a"));
        Assert.Equal("/b at 1", await GetAsync("/b"));
        Assert.Equal("/a at 1", await GetAsync("/a"));
        Assert.Equal((2, 2), (_answered, _cache.Count));

        Interlocked.Exchange(ref _version, 2);
        Assert.Equal("/a at 2", await GetAsync("/a"));

        Assert.Equal(3, _answered);
        await EvictedAsync(expected: 1); // the cache removes expired entries on the thread pool, a moment later
    }

    [Fact]
    public async Task A_request_that_read_an_older_version_is_answered_but_its_answer_is_not_kept()
    {
        Interlocked.Exchange(ref _version, 5);
        await GetAsync("/a");
        Interlocked.Exchange(ref _version, 4); // a replica that is behind, or a read that raced a newer one

        Assert.Equal("/b at 4", await GetAsync("/b"));

        Assert.Equal("/b at 4", await GetAsync("/b"));
        Assert.Equal(3, _answered);
        Assert.Equal(1, _cache.Count);
    }

    private async Task EvictedAsync(int expected) => await Eventually.Until(() => Task.FromResult(_cache.Count), count => count == expected);

    private async Task<string> GetAsync(string path)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Get;
        context.Request.Path = path;
        context.Response.Body = new MemoryStream();
        context.SetEndpoint(new Endpoint(null, new EndpointMetadataCollection(ReadCache.Marker), path));

        await _cache.InvokeAsync(context, async c =>
        {
            Interlocked.Increment(ref _answered);
            c.Response.ContentType = "text/plain";
            await c.Response.WriteAsync($"{path} at {Interlocked.Read(ref _version)}");
        });

        return Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());
    }
}
