using System.Text;
using Gradebook.Api;
using Gradebook.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Gradebook.Tests.Api;

/// <summary>The read cache's keeping and eviction, driven directly with a data version the test moves.</summary>
public sealed class ReadCacheTests : IDisposable
{
    private long _version = 1;
    private long _entityVersion = 7;
    private int _answered;
    private int _versionsAsked;
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

    [Fact]
    public async Task A_read_of_one_entity_keeps_its_answer_across_data_versions_until_its_own_version_moves()
    {
        Assert.Equal("/students/a at 1", await GetEntityAsync("/students/a"));
        Assert.Equal("/students/a at 1", await GetEntityAsync("/students/a"));
        Assert.Equal((1, 1), (_answered, _versionsAsked)); // the data version has not moved: not even the version is asked

        Interlocked.Exchange(ref _version, 2);
        Assert.Equal("/students/a at 1", await GetEntityAsync("/students/a"));
        Assert.Equal((1, 2), (_answered, _versionsAsked)); // asked once, still the same: the kept answer
        Assert.Equal("/students/a at 1", await GetEntityAsync("/students/a"));
        Assert.Equal(2, _versionsAsked);

        Interlocked.Exchange(ref _version, 3);
        Interlocked.Exchange(ref _entityVersion, 8);
        Assert.Equal("/students/a at 3", await GetEntityAsync("/students/a"));
        Assert.Equal((2, 3), (_answered, _versionsAsked));
        Assert.Equal(1, _cache.Count); // the answer of version 7 was replaced, not kept beside it
    }

    private async Task EvictedAsync(int expected) => await Eventually.Until(() => Task.FromResult(_cache.Count), count => count == expected);

    private Task<string> GetEntityAsync(string path) =>
        GetAsync(path, new EntityVersionMetadata((_, _) =>
        {
            Interlocked.Increment(ref _versionsAsked);
            return Task.FromResult<long?>(Interlocked.Read(ref _entityVersion));
        }));

    private async Task<string> GetAsync(string path, params object[] metadata)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Get;
        context.Request.Path = path;
        context.Response.Body = new MemoryStream();
        context.SetEndpoint(new Endpoint(null, new EndpointMetadataCollection([ReadCache.Marker, .. metadata]), path));

        await _cache.InvokeAsync(context, async c =>
        {
            Interlocked.Increment(ref _answered);
            c.Response.ContentType = "text/plain";
            await c.Response.WriteAsync($"{path} at {Interlocked.Read(ref _version)}");
        });

        return Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());
    }
}
