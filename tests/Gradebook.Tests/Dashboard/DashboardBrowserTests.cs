using Gradebook.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gradebook.Tests.Dashboard;

/// <summary>The dashboard in a real headless Chromium, over a host holding a few results.</summary>
public sealed class DashboardBrowserTests : IAsyncLifetime
{
    private readonly ApiHost _api = new(new Dictionary<string, string?> { ["Live:PollInterval"] = "00:00:00.020" });
    private readonly Chromium _chromium = new();
    private IBrowserContext _context = null!;

    public async Task InitializeAsync()
    {
        if (Chromium.SkipReason is not null)
        {
            return;
        }

        await _api.InitializeAsync();
        await Scores.WriteAsync(
            _api.Store,
            ("Beth_Cronin", 10393, 0.6878397196487688),
            ("Beth_Cronin", 10394, 0.85),
            ("Julia.Effertz", 10393, 0.75),
            ("Kai.Ito", 10393, 0.3),
            ("Lena.Park", 10393, 0.95));
        await _chromium.InitializeAsync();
        _context = await _chromium.Browser.NewContextAsync(new() { BaseURL = _api.Client.BaseAddress!.ToString(), ViewportSize = new() { Width = 1100, Height = 800 } });
    }

    public async Task DisposeAsync()
    {
        if (Chromium.SkipReason is not null)
        {
            return;
        }

        await _context.DisposeAsync();
        await _chromium.DisposeAsync();
        await _api.DisposeAsync();
    }

    [BrowserFact]
    public async Task The_home_page_shows_the_latest_results_and_the_exams()
    {
        var page = await _context.NewPageAsync();
        await page.GotoAsync("/");

        // One batch's changes are logged in key order (exam, then student), so its last is exam 10394's.
        await Expect(page.Locator("#ticker li")).ToHaveCountAsync(5);
        await Expect(page.Locator("#ticker li").First).ToContainTextAsync("Beth_Cronin 85.0% in exam 10394");
        await Expect(page.Locator("#exams tr")).ToHaveCountAsync(2);
        await Expect(page.Locator("#exams tr").First).ToContainTextAsync("10394");
        await page.ScreenshotAsync(new() { Path = Screenshot("home.png"), FullPage = true });
    }

    [BrowserFact]
    public async Task An_exams_page_draws_its_histogram_and_sorts_results_by_score()
    {
        var page = await _context.NewPageAsync();
        await page.GotoAsync("/exam/10393");

        await Expect(page.Locator("svg#histogram rect")).ToHaveCountAsync(10);
        await Expect(page.Locator("svg#histogram rect[data-bin='9']")).Not.ToHaveAttributeAsync("height", "0");
        await Expect(page.Locator("#results tr").First).ToContainTextAsync("Lena.Park");
        await page.GetByRole(AriaRole.Link, new() { Name = "lowest score" }).ClickAsync();
        await Expect(page.Locator("#results tr").First).ToContainTextAsync("Kai.Ito");
        await page.ScreenshotAsync(new() { Path = Screenshot("exam.png"), FullPage = true });
    }

    [BrowserFact]
    public async Task A_score_stored_after_the_page_opened_appears_on_it_without_a_reload()
    {
        var page = await _context.NewPageAsync();
        await page.GotoAsync("/exam/10393");
        await Expect(page.Locator("#live-status")).ToContainTextAsync("Live");

        await Scores.WriteAsync(_api.Store, ("Newcomer", 10393, 0.99));

        await Expect(page.Locator("#results tr").First).ToContainTextAsync("Newcomer");
        await Expect(page.Locator("[data-field='count']")).ToHaveTextAsync("5");
        await Expect(page.Locator("[data-field='max']")).ToHaveTextAsync("99.0%");

        var home = await _context.NewPageAsync();
        await home.GotoAsync("/");
        await Expect(home.Locator("#live-status")).ToContainTextAsync("Live");
        await Scores.WriteAsync(_api.Store, ("Second.Newcomer", 10395, 0.5));
        await Expect(home.Locator("#ticker li").First).ToContainTextAsync("Second.Newcomer");
        await Expect(home.Locator("#exams tr").First).ToContainTextAsync("10395");
    }

    [BrowserFact]
    public async Task The_student_search_finds_a_student_and_draws_their_results()
    {
        var page = await _context.NewPageAsync();
        await page.GotoAsync("/student");

        await page.GetByLabel("Student id, or how it starts").FillAsync("Beth");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Beth_Cronin" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Beth_Cronin" })).ToBeVisibleAsync();
        await Expect(page.Locator("svg.chart rect")).ToHaveCountAsync(2);
        await page.ScreenshotAsync(new() { Path = Screenshot("student.png"), FullPage = true });
    }

    [BrowserFact]
    public async Task The_ingestion_page_shows_the_feeds_state_and_rejections()
    {
        await _api.Store.WriteFeedBatchAsync("test", [Scores.Raw("{\"studentId\":\"x\"}")], CancellationToken.None);
        var page = await _context.NewPageAsync();
        await page.GotoAsync("/feed");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Recent rejections" })).ToBeVisibleAsync();
        await Expect(page.Locator("table")).ToContainTextAsync("missing_field");
        await page.ScreenshotAsync(new() { Path = Screenshot("feed.png"), FullPage = true });
    }

    private static string Screenshot(string name) => Path.Combine(Chromium.ScreenshotDirectory, name);
}
