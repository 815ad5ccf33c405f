using System.Text.RegularExpressions;
using Gradebook.Tests.Auth;
using Gradebook.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gradebook.Tests.Dashboard;

/// <summary>
/// Signing in to the dashboard with an API key in a real headless Chromium: the sign-in page, a wrong key, the
/// dashboard live on the session (its polls and its live stream carry the cookie), and signing out; axe on each page.
/// </summary>
public sealed class SignInBrowserTests : IAsyncLifetime
{
    private static readonly string Key = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    private readonly BrowserHost _host = new(new Dictionary<string, string?>
    {
        ["Live:PollInterval"] = "00:00:00.020",
        ["Auth:ApiKeys:teacher:Sha256"] = SecuredApp.Sha256(Key),
        ["Auth:ApiKeys:teacher:Scopes"] = "scores:read",
    });

    public async Task InitializeAsync()
    {
        await _host.InitializeAsync();
        if (Chromium.SkipReason is null)
        {
            await Scores.WriteAsync(_host.Api.Store, ("Beth_Cronin", 10393, 0.6878397196487688), ("Julia.Effertz", 10393, 0.75));
        }
    }

    public Task DisposeAsync() => _host.DisposeAsync();

    [BrowserFact]
    public async Task A_teacher_signs_in_with_a_key_uses_the_live_dashboard_and_signs_out()
    {
        var page = await _host.Context.NewPageAsync();
        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new Regex("/signin\\?ReturnUrl=%2F$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await ExpectOnlySignInLinkAsync(page);
        await DashboardBrowserTests.CheckAndCaptureAsync(page, "signin");

        await page.GetByLabel("API key").FillAsync("not-a-key-anyone-was-given");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not one Gradebook knows");
        await ExpectOnlySignInLinkAsync(page);
        await DashboardBrowserTests.CheckAndCaptureAsync(page, "signin-wrong-key");

        await page.GotoAsync("/signin?failed=true");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("did not succeed");
        await ExpectOnlySignInLinkAsync(page);

        await page.GetByLabel("API key").FillAsync(Key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/$"));
        await Expect(page.Locator("[data-field='signed-in']")).ToHaveTextAsync("teacher");
        await ExpectWholeNavigationAsync(page);
        await Expect(page.Locator("[data-total='students']")).ToHaveTextAsync("2");
        await Expect(page.Locator("#live-status")).ToContainTextAsync("Live");

        // The live stream and the figures' polls carry the session cookie: a new result shows without a reload.
        await Scores.WriteAsync(_host.Api.Store, ("Newcomer", 10394, 0.5));
        await Expect(page.Locator("[data-total='students']")).ToHaveTextAsync("3");
        await Expect(page.Locator("#ticker li").First).ToContainTextAsync("Newcomer");
        await DashboardBrowserTests.CheckAndCaptureAsync(page, "signed-in-overview");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/signin\\?signedOut=true$"));
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("You are signed out.");
        await ExpectOnlySignInLinkAsync(page);
        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new Regex("/signin\\?ReturnUrl=%2F$"));
    }

    /// <summary>The navigation offers the product name, leading to sign-in, and no page that would only lead there.</summary>
    internal static async Task ExpectOnlySignInLinkAsync(IPage page)
    {
        var links = Navigation(page).GetByRole(AriaRole.Link);
        await Expect(links).ToHaveTextAsync(["Gradebook"]);
        await Expect(links).ToHaveAttributeAsync("href", "/signin");
    }

    /// <summary>The navigation as it is for anyone who may open the dashboard's pages.</summary>
    internal static async Task ExpectWholeNavigationAsync(IPage page)
    {
        var links = Navigation(page).GetByRole(AriaRole.Link);
        await Expect(links).ToHaveTextAsync(["Gradebook", "Overview", "Students", "Ingestion"]);
        Assert.Equal(["/", "/", "/student", "/feed"], await links.EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))"));
    }

    private static ILocator Navigation(IPage page) => page.GetByRole(AriaRole.Navigation, new() { Name = "Dashboard" });
}
