using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Gradebook.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Gradebook.Tests.Auth;

/// <summary>
/// The dashboard's sign-in without an identity provider: an API key given once on the sign-in page starts a cookie
/// session with the key's scopes, over real HTTP, against a real SQLite file and its key ring beside it.
/// </summary>
public sealed class KeySignInTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string> Scopes = new()
    {
        ["reader"] = "scores:read",
        ["admin"] = "scores:read scores:import operations:read",
    };

    private readonly TempDirectory _directory = new();
    private readonly Dictionary<string, string> _keys = new()
    {
        ["reader"] = NewKey(),
        ["admin"] = NewKey(),
    };

    private GradebookFactory _factory = null!;

    public Task InitializeAsync()
    {
        _factory = Start(["reader", "admin"]);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task A_page_without_a_session_goes_to_sign_in_while_the_api_answers_401()
    {
        using var browser = Browser();
        using var page = await browser.PageAsync("/feed?x=1");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/signin?ReturnUrl=%2Ffeed%3Fx%3D1", page.Headers.Location!.PathAndQuery);

        using var api = await browser.Http.GetAsync("/students");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_good_key_starts_a_session_that_reads_the_pages_and_the_api_and_shows_who_is_signed_in()
    {
        using var browser = Browser();
        using var signIn = await browser.SignInWithKeyAsync(_keys["reader"], "/feed");

        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/feed", signIn.Headers.Location!.OriginalString);
        var cookie = Assert.Single(signIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith(SessionClient.SessionCookie + "=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase);

        // A browser session's cookie: it goes when the browser closes, and the server ends it sooner (Auth:Session:Lifetime).
        Assert.DoesNotContain("expires=", cookie, StringComparison.OrdinalIgnoreCase);

        using var page = await browser.PageAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("Signed in as <strong data-field=\"signed-in\">reader</strong>", html, StringComparison.Ordinal);
        Assert.Contains("action=\"/signout\"", html, StringComparison.Ordinal);

        using var api = await browser.Http.GetAsync("/students");
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);

        // The session holds scores:read only, as the key does.
        using var operations = await browser.Http.GetAsync("/ingestion");
        Assert.Equal(HttpStatusCode.Forbidden, operations.StatusCode);
        Assert.Contains("the dashboard session of 'reader'", await operations.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_gradebook_does_not_know_is_refused_with_a_clear_error_and_no_session()
    {
        using var browser = Browser();
        using var signIn = await browser.SignInWithKeyAsync("not-a-key-anyone-was-given");

        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.Contains("That API key is not one Gradebook knows", await signIn.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(browser.HasSession);
    }

    [Fact]
    public async Task The_sign_in_form_posted_without_its_antiforgery_token_is_refused()
    {
        using var browser = Browser();
        using var signIn = await browser.PostFormAsync("/signin", "/signin", [new("key", _keys["reader"])], withToken: false);

        Assert.Equal(HttpStatusCode.BadRequest, signIn.StatusCode);
        Assert.False(browser.HasSession);
    }

    [Fact]
    public async Task Signing_out_ends_the_session()
    {
        using var browser = Browser();
        (await browser.SignInWithKeyAsync(_keys["reader"])).Dispose();
        Assert.True(browser.HasSession);

        using var signOut = await browser.PostFormAsync("/", "/signout", []);
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal("/signin?signedOut=true", signOut.Headers.Location!.OriginalString);
        Assert.False(browser.HasSession);

        using var page = await browser.PageAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        using var signedOut = await browser.PageAsync("/signin?signedOut=true");
        Assert.Contains("You are signed out.", await signedOut.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_session_outlives_a_restart_and_ends_at_the_first_request_after_its_key_is_revoked()
    {
        using var browser = Browser();
        (await browser.SignInWithKeyAsync(_keys["reader"])).Dispose();

        // The key ring is kept beside the database, so the restarted service reads the cookie it wrote.
        await Restart(["reader", "admin"]);
        using var browserAfterRestart = Carry(browser);
        using (var page = await browserAfterRestart.PageAsync("/"))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        await Restart(["admin"]);
        using var browserAfterRevoke = Carry(browser);
        using var revoked = await browserAfterRevoke.PageAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        Assert.StartsWith("/signin", revoked.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        Assert.False(browserAfterRevoke.HasSession);
    }

    [Fact]
    public async Task A_state_changing_call_with_the_session_needs_the_pages_token_and_its_own_origin_while_a_key_needs_neither()
    {
        using var browser = Browser();
        (await browser.SignInWithKeyAsync(_keys["admin"])).Dispose();

        using (var withoutToken = await PostImportAsync(browser.Http))
        {
            Assert.Equal(HttpStatusCode.Forbidden, withoutToken.StatusCode);
            Assert.Contains("antiforgery token", await withoutToken.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var token = await browser.TokenAsync("/");
        using (var foreign = await PostImportAsync(browser.Http, token, origin: "https://elsewhere.example"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
            Assert.Contains("elsewhere.example", await foreign.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var own = await PostImportAsync(browser.Http, token, origin: browser.Address.GetLeftPart(UriPartial.Authority)))
        {
            Assert.Equal(HttpStatusCode.Created, own.StatusCode);
        }

        using var keyClient = new HttpClient { BaseAddress = browser.Address };
        keyClient.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _keys["admin"]);
        using var withKey = await PostImportAsync(keyClient, origin: "https://elsewhere.example");
        Assert.Equal(HttpStatusCode.Created, withKey.StatusCode);
    }

    private static async Task<HttpResponseMessage> PostImportAsync(HttpClient client, string? token = null, string? origin = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/import")
        {
            Content = new StringContent(Markr.Example, Encoding.UTF8, "text/xml+markr"),
        };
        if (token is not null)
        {
            request.Headers.Add("RequestVerificationToken", token);
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return await client.SendAsync(request);
    }

    private SessionClient Browser() => new(Address(_factory));

    /// <summary>The same browser (its cookies) against the restarted service's address.</summary>
    private SessionClient Carry(SessionClient browser)
    {
        var next = Browser();
        foreach (Cookie cookie in browser.Cookies.GetAllCookies())
        {
            next.Cookies.Add(next.Address, new Cookie(cookie.Name, cookie.Value));
        }

        return next;
    }

    private async Task Restart(string[] keys)
    {
        await _factory.DisposeAsync();
        _factory = Start(keys);
    }

    private GradebookFactory Start(string[] keys)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Gradebook"] = _directory.SqliteConnectionString(),
            ["Feed:Enabled"] = "false",
        };
        foreach (var name in keys)
        {
            settings[$"Auth:ApiKeys:{name}:Sha256"] = SecuredApp.Sha256(_keys[name]);
            settings[$"Auth:ApiKeys:{name}:Scopes"] = Scopes[name];
        }

        var factory = new GradebookFactory(settings);
        factory.UseKestrel(0);
        factory.StartServer();
        return factory;
    }

    private static Uri Address(WebApplicationFactory<Program> factory)
    {
        using var client = factory.CreateClient();
        return client.BaseAddress!;
    }

    private static string NewKey() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
}
