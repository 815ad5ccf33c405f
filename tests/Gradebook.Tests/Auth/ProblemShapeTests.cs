using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Gradebook.Tests.Support;

namespace Gradebook.Tests.Auth;

/// <summary>A refused request, whoever refuses it, is the same problem shape as every other error.</summary>
public sealed class ProblemShapeTests : IAsyncLifetime
{
    private const string Key = "key-of-client-a-0123456789";

    private readonly ApiHost _host = new(new Dictionary<string, string?>
    {
        ["Auth:ApiKeys:a:Sha256"] = SecuredApp.Sha256(Key),
        ["Auth:ApiKeys:a:Scopes"] = "scores:read",
        ["RateLimits:Reads:PermitLimit"] = "1",
        ["RateLimits:Reads:Window"] = "00:10:00",
    });

    public Task InitializeAsync() => _host.InitializeAsync();

    public Task DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task A_401_and_a_429_carry_type_title_status_and_detail()
    {
        using var unauthenticated = await _host.Client.GetAsync("/exams");
        await AssertProblemAsync(unauthenticated, HttpStatusCode.Unauthorized);

        using var client = Client(Key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/exams")).StatusCode);
        using var limited = await client.GetAsync("/exams");
        await AssertProblemAsync(limited, HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task A_jwt_shaped_bearer_where_no_tokens_are_accepted_is_told_so_not_that_the_key_is_unknown()
    {
        static string Part(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var token = $"{Part("""{"alg":"HS256","typ":"JWT"}""")}.{Part("""{"sub":"someone"}""")}.c2lnbmF0dXJl";
        using var client = Client(token);

        using var refused = await client.GetAsync("/exams");

        var detail = await AssertProblemAsync(refused, HttpStatusCode.Unauthorized);
        Assert.Contains("JWT", detail, StringComparison.Ordinal);
        Assert.Contains("Auth:Jwt", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("API key is not one", detail, StringComparison.Ordinal);
    }

    private static async Task<string> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(Uri.IsWellFormedUriString(problem.GetProperty("type").GetString(), UriKind.Absolute), problem.ToString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        var detail = problem.GetProperty("detail").GetString();
        Assert.False(string.IsNullOrWhiteSpace(detail));
        return detail!;
    }

    private HttpClient Client(string bearer)
    {
        var client = _host.Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return client;
    }
}
