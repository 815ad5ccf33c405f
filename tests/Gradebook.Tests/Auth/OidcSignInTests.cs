using System.Net;
using Gradebook.Tests.Support;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Gradebook.Tests.Auth;

/// <summary>
/// The dashboard's sign-in through a real OpenID Connect provider on loopback (authorization code with PKCE), over
/// real HTTP, a browser's redirects followed with a cookie jar. The session's clock is a fake one, moved by the tests.
/// </summary>
public sealed class OidcSignInTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _sessionClock = new(DateTimeOffset.UtcNow);
    private IdentityProvider _provider = null!;
    private GradebookFactory _gradebook = null!;
    private Uri _address = null!;

    public async Task InitializeAsync()
    {
        _provider = await IdentityProvider.StartAsync();
        _gradebook = new GradebookFactory(
            new Dictionary<string, string?>
            {
                ["ConnectionStrings:Gradebook"] = _directory.SqliteConnectionString(),
                ["Feed:Enabled"] = "false",
                ["Auth:Oidc:Authority"] = _provider.Address.ToString(),
                ["Auth:Oidc:ClientId"] = IdentityProvider.ClientId,
                ["Auth:Oidc:ClientSecret"] = IdentityProvider.ClientSecret,
                ["Auth:Oidc:Scopes:teachers"] = "scores:read",
                ["Auth:Oidc:Scopes:operators"] = "operations:read",
                ["Auth:Session:Lifetime"] = "01:00:00",
            },
            services => services.PostConfigure<CookieAuthenticationOptions>("Session", o => o.TimeProvider = _sessionClock));
        _gradebook.UseKestrel(0);
        _gradebook.StartServer();
        using var client = _gradebook.CreateClient();
        _address = client.BaseAddress!;
        _provider.ClientAddress = _address;
    }

    public async Task DisposeAsync()
    {
        await _gradebook.DisposeAsync();
        await _provider.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task A_teacher_signs_in_at_the_provider_and_comes_back_to_the_page_they_asked_for()
    {
        using var browser = new SessionClient(_address, followRedirects: true);
        using var page = await browser.PageAsync("/feed");

        Assert.True(page.StatusCode == HttpStatusCode.OK, $"{page.RequestMessage!.RequestUri} {await page.Content.ReadAsStringAsync()}");
        Assert.Equal(new Uri(_address, "/feed"), page.RequestMessage!.RequestUri);
        Assert.Contains("Signed in as <strong data-field=\"signed-in\">Ada Teacher</strong>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(browser.HasSession);

        // The dashboard's own calls ride on the same session.
        using var api = await browser.Http.GetAsync("/students");
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
    }

    [Fact]
    public async Task A_page_without_a_session_sends_the_browser_to_the_provider_with_pkce()
    {
        using var browser = new SessionClient(_address);
        using var page = await browser.PageAsync("/");

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        var location = page.Headers.Location!;
        Assert.Equal(new Uri(_provider.Address, "connect/authorize").ToString(), location.GetLeftPart(UriPartial.Path));
        Assert.Contains("code_challenge_method=S256", location.Query, StringComparison.Ordinal);
        Assert.Contains("response_type=code", location.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Someone_whose_groups_map_to_no_needed_scope_is_refused_with_403()
    {
        _provider.User = new TestUser("s-1", "Sam Student", "students", "operators");
        using var browser = new SessionClient(_address, followRedirects: true);
        using var page = await browser.PageAsync("/");

        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        Assert.Contains("'scores:read'", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The operators group maps to operations:read, which this session holds.
        using var operations = await browser.Http.GetAsync("/ingestion");
        Assert.Equal(HttpStatusCode.OK, operations.StatusCode);
    }

    [Fact]
    public async Task A_refusal_at_the_provider_is_a_page_saying_so_not_a_server_error()
    {
        _provider.User = null;
        using var browser = new SessionClient(_address, followRedirects: true);
        using var page = await browser.PageAsync("/");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("/signin", page.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("did not succeed", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(browser.HasSession);
    }

    [Fact]
    public async Task A_session_that_has_expired_goes_back_to_the_provider()
    {
        using var browser = new SessionClient(_address, followRedirects: true);
        (await browser.PageAsync("/")).Dispose();
        using var noRedirects = new SessionClient(_address);
        foreach (Cookie cookie in browser.Cookies.GetAllCookies())
        {
            noRedirects.Cookies.Add(cookie);
        }

        // Within the lifetime the session holds; past it, without a request in between, it is over.
        _sessionClock.Advance(TimeSpan.FromMinutes(50));
        using (var still = await noRedirects.PageAsync("/"))
        {
            Assert.Equal(HttpStatusCode.OK, still.StatusCode);
        }

        _sessionClock.Advance(TimeSpan.FromMinutes(61));
        using var expired = await noRedirects.PageAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, expired.StatusCode);
        Assert.StartsWith(_provider.Address.ToString(), expired.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signing_out_ends_the_session_here_and_at_the_provider()
    {
        using var browser = new SessionClient(_address, followRedirects: true);
        using var signedIn = await browser.PageAsync("/");
        var token = SessionClient.Token(await signedIn.Content.ReadAsStringAsync());

        using var content = new FormUrlEncodedContent([new("__RequestVerificationToken", token)]);
        using var signOut = await browser.Http.PostAsync("/signout", content);

        Assert.Equal(HttpStatusCode.OK, signOut.StatusCode);
        Assert.Equal("/signin", signOut.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("You are signed out.", await signOut.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, _provider.EndSessions);
        Assert.False(browser.HasSession);
    }
}
