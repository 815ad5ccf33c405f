using System.Net;
using System.Net.Http.Headers;
using Gradebook.Tests.Support;

namespace Gradebook.Tests.Auth;

/// <summary>Per-client limits: a client over its read limit is told when to retry; other clients and its imports go on.</summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private const string KeyA = "key-of-client-a-0123456789";
    private const string KeyB = "key-of-client-b-0123456789";

    private readonly ApiHost _host = new(new Dictionary<string, string?>
    {
        ["Auth:ApiKeys:a:Sha256"] = SecuredApp.Sha256(KeyA),
        ["Auth:ApiKeys:a:Scopes"] = "scores:read scores:import",
        ["Auth:ApiKeys:b:Sha256"] = SecuredApp.Sha256(KeyB),
        ["Auth:ApiKeys:b:Scopes"] = "scores:read",
        ["RateLimits:Reads:PermitLimit"] = "2",
        ["RateLimits:Reads:Window"] = "00:10:00",
    });

    public Task InitializeAsync() => _host.InitializeAsync();

    public Task DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task A_client_over_its_read_limit_gets_429_with_Retry_After_and_others_are_unaffected()
    {
        using var a = Client(KeyA);
        using var b = Client(KeyB);
        var exams = new Uri("/exams", UriKind.Relative);

        Assert.Equal(HttpStatusCode.OK, (await a.GetAsync(exams)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await a.GetAsync(exams)).StatusCode);
        using var refused = await a.GetAsync(exams);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
        Assert.Contains("'a'", await EndpointAuthTests.DetailAsync(refused), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await b.GetAsync(exams)).StatusCode);
        using var import = await EndpointAuthTests.PostMarkrAsync(a);
        Assert.Equal(HttpStatusCode.Created, import.StatusCode);
    }

    private HttpClient Client(string key)
    {
        var client = _host.Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}
