using Gradebook.Auth;
using Gradebook.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace Gradebook.Tests.Auth;

/// <summary>
/// Without authentication Gradebook serves loopback only, and says so; anything wider needs credentials or an explicit
/// choice. Broken authentication settings stop start-up with a line that names them.
/// </summary>
public sealed class AuthSettingsTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Without_authentication_a_non_loopback_address_stops_start_up_with_one_line()
    {
        using var process = GradebookProcess.Start(new Dictionary<string, string>
        {
            ["ConnectionStrings__Gradebook"] = _directory.SqliteConnectionString(),
            ["URLS"] = "http://0.0.0.0:0",
        });

        Assert.Equal(1, await process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(
            "Gradebook cannot start: No authentication is configured and Gradebook would listen on http://0.0.0.0:0, which is not loopback: "
            + "add Auth:ApiKeys:<name>:Sha256 or Auth:Jwt:Authority, or set Auth:AllowAnonymous=true.",
            process.Output.Trim());
    }

    [Fact]
    public async Task Without_authentication_on_loopback_it_starts_and_says_it_is_open()
    {
        using var process = GradebookProcess.Start(new Dictionary<string, string>
        {
            ["ConnectionStrings__Gradebook"] = _directory.SqliteConnectionString(),
            ["Feed__Enabled"] = "false",
            ["URLS"] = "http://127.0.0.1:0",
        });

        await Eventually.Until(
            () => Task.FromResult(process.HasExited || process.Output.Contains("Now listening on", StringComparison.Ordinal)), done => done);

        Assert.False(process.HasExited, process.Output);
        Assert.Contains("No authentication is configured: Gradebook is open to every request", process.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://localhost:5080", true)]
    [InlineData("http://127.0.0.1:0", true)]
    [InlineData("http://[::1]:5080", true)]
    [InlineData("http://0.0.0.0:5080", false)]
    [InlineData("http://[::]:5080", false)]
    [InlineData("http://*:5080", false)]
    [InlineData("http://+:5080", false)]
    [InlineData("http://gradebook.example:5080", false)]
    [InlineData("http://192.168.1.20:5080", false)]
    public void Only_loopback_addresses_count_as_loopback(string url, bool loopback) =>
        Assert.Equal(loopback, AuthOptionsValidator.IsLoopback(url));

    [Theory]
    [InlineData("urls", "http://localhost:5080;http://0.0.0.0:5081", "http://0.0.0.0:5081")]
    [InlineData("http_ports", "8080", "http://*:8080")]
    [InlineData("Kestrel:Endpoints:Web:Url", "http://10.0.0.1:80", "http://10.0.0.1:80")]
    public void Every_way_of_giving_an_address_is_checked(string key, string value, string refused)
    {
        var result = Validate(new AuthOptions(), new() { [key] = value });

        Assert.True(result.Failed);
        Assert.Contains($"listen on {refused}, which is not loopback", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void AllowAnonymous_or_any_authentication_permits_a_non_loopback_address()
    {
        var everywhere = new Dictionary<string, string?> { ["urls"] = "http://0.0.0.0:5080" };
        var key = new AuthOptions { ApiKeys = { ["scanner-1"] = new ApiKeyOptions { Sha256 = SecuredApp.Sha256("k"), Scopes = "scores:import" } } };

        Assert.True(Validate(new AuthOptions { AllowAnonymous = true }, everywhere).Succeeded);
        Assert.True(Validate(key, everywhere).Succeeded);
        Assert.True(Validate(new AuthOptions(), new()).Succeeded);
    }

    [Fact]
    public void A_bad_hash_an_unknown_scope_and_an_incomplete_JWT_setting_are_named()
    {
        var options = new AuthOptions
        {
            ApiKeys = { ["scanner-1"] = new ApiKeyOptions { Sha256 = "ABC", Scopes = "scores:write" } },
            Jwt = { SigningKey = Convert.ToBase64String(new byte[16]) },
        };

        var message = Validate(options, new()).FailureMessage;

        Assert.Contains("Auth:ApiKeys:scanner-1:Sha256 must be 64 lowercase hex digits", message, StringComparison.Ordinal);
        Assert.Contains("unknown scope 'scores:write'", message, StringComparison.Ordinal);
        Assert.Contains("Auth:Jwt:Audience is required", message, StringComparison.Ordinal);
        Assert.Contains("Auth:Jwt:Issuer is required", message, StringComparison.Ordinal);
        Assert.Contains("Auth:Jwt:SigningKey must be base64 of at least 32 bytes", message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_authority_must_be_https()
    {
        var options = new AuthOptions { Jwt = { Authority = "http://login.example.org/realms/school", Audience = "gradebook" } };

        Assert.Contains("Auth:Jwt:Authority must be an absolute https URL", Validate(options, new()).FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sign_in_provider_needs_its_client_an_https_address_off_loopback_and_known_scopes()
    {
        var options = new AuthOptions { Oidc = { Authority = "http://login.example.org/realms/school", Scopes = { ["teachers"] = "scores:read scores:write" } } };
        var message = Validate(options, new()).FailureMessage;

        Assert.Contains("Auth:Oidc:ClientId and Auth:Oidc:ClientSecret are required", message, StringComparison.Ordinal);
        Assert.Contains("Auth:Oidc:Authority must be an absolute https URL (http only on loopback)", message, StringComparison.Ordinal);
        Assert.Contains("Auth:Oidc:Scopes:teachers has the unknown scope 'scores:write'", message, StringComparison.Ordinal);
        Assert.Contains("Auth:Session:Lifetime must be longer than zero", Validate(new AuthOptions { Session = { Lifetime = TimeSpan.Zero } }, new()).FailureMessage, StringComparison.Ordinal);

        var loopback = new AuthOptions { Oidc = { Authority = "http://127.0.0.1:8080/", ClientId = "gradebook", ClientSecret = "s", Scopes = { ["teachers"] = "scores:read" } } };
        Assert.True(Validate(loopback, new() { ["urls"] = "http://0.0.0.0:5080" }).Succeeded);
    }

    private static Microsoft.Extensions.Options.ValidateOptionsResult Validate(AuthOptions options, Dictionary<string, string?> settings) =>
        new AuthOptionsValidator(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()).Validate(null, options);
}
