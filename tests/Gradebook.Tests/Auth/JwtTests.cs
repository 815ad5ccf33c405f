using System.Net;
using System.Security.Cryptography;
using System.Text.Json;

namespace Gradebook.Tests.Auth;

/// <summary>JWT bearer tokens signed by the configured key: scopes from scope, scp or roles; expiry, audience and signature checked.</summary>
public sealed class JwtTests(SecuredApp app) : IClassFixture<SecuredApp>
{
    private static readonly Uri Students = new("/students", UriKind.Relative);

    [Fact]
    public async Task A_token_with_the_scope_reads()
    {
        using var response = await app.ClientWithBearer(app.Token("alice", "scores:read operations:read")).GetAsync(Students);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("scp")]
    [InlineData("roles")]
    public async Task Scopes_may_come_as_scp_or_as_roles(string claim)
    {
        var token = app.Token("alice", null, claims: new Dictionary<string, object> { [claim] = "scores:read" });

        using var response = await app.ClientWithBearer(token).GetAsync(Students);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_token_without_the_scope_is_a_403_that_names_its_subject()
    {
        using var response = await app.ClientWithBearer(app.Token("alice", "operations:read")).GetAsync(Students);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("This endpoint needs the scope 'scores:read'; the token of 'alice' does not have it.", await EndpointAuthTests.DetailAsync(response));
    }

    [Fact]
    public async Task An_expired_token_is_a_401_that_says_so()
    {
        using var response = await app.ClientWithBearer(app.Token("alice", "scores:read", expires: DateTime.UtcNow.AddHours(-1))).GetAsync(Students);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("The bearer token has expired.", await EndpointAuthTests.DetailAsync(response));
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_for_another_audience_is_a_401()
    {
        using var response = await app.ClientWithBearer(app.Token("alice", "scores:read", audience: "someone-else")).GetAsync(Students);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("The bearer token is for another audience.", await EndpointAuthTests.DetailAsync(response));
    }

    [Fact]
    public async Task A_token_signed_with_another_key_is_a_401()
    {
        using var response = await app.ClientWithBearer(app.Token("alice", "scores:read", signingKey: RandomNumberGenerator.GetBytes(32))).GetAsync(Students);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("The bearer token's signature is not valid.", await EndpointAuthTests.DetailAsync(response));
    }

    [Fact]
    public async Task An_import_record_names_the_tokens_subject()
    {
        using var response = await EndpointAuthTests.PostMarkrAsync(app.ClientWithBearer(app.Token("scanner-room-4", "scores:import")));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var importId = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("importId").GetInt64();

        Assert.Equal("scanner-room-4", await EndpointAuthTests.ImportClientAsync(app.ConnectionString, importId));
    }
}
