using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Gradebook.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gradebook.Tests.Dashboard;

/// <summary>
/// The dashboard in a real headless Chromium, over a host holding a few results of a feed named <c>test</c>: every
/// page live, checked by axe, and saved as a screenshot at desktop and phone width.
/// </summary>
public sealed partial class DashboardBrowserTests : IAsyncLifetime
{
    private static readonly (string Name, int Width, int Height)[] Viewports = [("desktop", 1280, 900), ("phone", 390, 844)];

    private readonly BrowserHost _host = new(new Dictionary<string, string?>
    {
        ["Live:PollInterval"] = "00:00:00.020",

        // A feed that is configured but not read (ingestion is off): the tests write its batches themselves.
        ["Feeds:test:Url"] = "http://127.0.0.1:9/scores",
    });

    private ApiHost Api => _host.Api;

    private IBrowserContext Context => _host.Context;

    public async Task InitializeAsync()
    {
        await _host.InitializeAsync();
        if (Chromium.SkipReason is not null)
        {
            return;
        }

        await Scores.WriteAsync(
            Api.Store,
            ("Beth_Cronin", 10393, 0.6878397196487688),
            ("Beth_Cronin", 10394, 0.85),
            ("Julia.Effertz", 10393, 0.75),
            ("Kai.Ito", 10393, 0.3),
            ("Lena.Park", 10393, 0.95));
    }

    public Task DisposeAsync() => _host.DisposeAsync();

    [BrowserFact]
    public async Task The_overview_shows_totals_feeds_the_exam_trend_and_the_latest_results()
    {
        var page = await Context.NewPageAsync();
        await page.GotoAsync("/");

        await Expect(page.Locator("[data-total='students']")).ToHaveTextAsync("4");
        await Expect(page.Locator("[data-total='exams']")).ToHaveTextAsync("2");
        await Expect(page.Locator("[data-total='results']")).ToHaveTextAsync("5");
        await Expect(page.Locator("#feeds tr[data-feed='test']")).ToBeVisibleAsync();
        await Expect(page.Locator("#exam-trend canvas").First).ToBeVisibleAsync();

        // One batch's changes are logged in key order (exam, then student), so its last is exam 10394's.
        await Expect(page.Locator("#ticker li")).ToHaveCountAsync(5);
        await Expect(page.Locator("#ticker li").First).ToContainTextAsync("Beth_Cronin 85.0% in exam 10394");
        await Expect(page.Locator("#exams tr")).ToHaveCountAsync(2);
        await Expect(page.Locator("#exams tr").First).ToContainTextAsync("10394");
        await CheckAndCaptureAsync(page, "overview");
    }

    [BrowserFact]
    public async Task The_overviews_totals_and_rate_move_without_a_reload()
    {
        var page = await Context.NewPageAsync();
        await page.GotoAsync("/");
        await Expect(page.Locator("#live-status")).ToContainTextAsync("Live");

        await Scores.WriteAsync(Api.Store, ("Newcomer", 10395, 0.5), ("Other.Newcomer", 10395, 0.7));

        await Expect(page.Locator("[data-total='students']")).ToHaveTextAsync("6");
        await Expect(page.Locator("[data-total='exams']")).ToHaveTextAsync("3");
        await Expect(page.Locator("[data-total='results']")).ToHaveTextAsync("7");
        await Expect(page.Locator("[data-total='rate']")).Not.ToHaveTextAsync("0.0/s");
        await Expect(page.Locator("#exams tr").First).ToContainTextAsync("60.0%");
    }

    [BrowserFact]
    public async Task The_exam_trend_shows_an_exams_average_under_the_keyboard()
    {
        var page = await Context.NewPageAsync();
        await page.GotoAsync("/");

        await page.Locator("#exam-trend").FocusAsync();
        await page.Keyboard.PressAsync("Home");

        // Exam 10393's average: (0.6878 + 0.75 + 0.3 + 0.95) / 4.
        await Expect(page.Locator("#exam-trend .u-legend")).ToContainTextAsync("10393");
        await Expect(page.Locator("#exam-trend .u-legend")).ToContainTextAsync("67.2%");
        await page.Keyboard.PressAsync("ArrowRight");
        await Expect(page.Locator("#exam-trend .u-legend")).ToContainTextAsync("85.0%");
    }

    [BrowserFact]
    public async Task An_exams_page_draws_its_histogram_and_sorts_results_by_score()
    {
        var page = await Context.NewPageAsync();
        await page.GotoAsync("/exam/10393");

        await Expect(page.Locator("svg#histogram rect")).ToHaveCountAsync(10);
        await Expect(page.Locator("svg#histogram rect[data-bin='9']")).Not.ToHaveAttributeAsync("height", "0");
        await Expect(page.Locator("svg#histogram text[data-bin-count='9']")).ToHaveTextAsync("1");
        await Expect(page.Locator("#results tr").First).ToContainTextAsync("Lena.Park");
        await page.GetByRole(AriaRole.Link, new() { Name = "lowest score" }).ClickAsync();
        await Expect(page.Locator("#results tr").First).ToContainTextAsync("Kai.Ito");
        await CheckAndCaptureAsync(page, "exam");
    }

    [BrowserFact]
    public async Task An_exams_page_analyses_its_questions_and_explains_a_miskeyed_one()
    {
        // Ten students in ability order: question 1 keyed A, 2 keyed B (one left it out), 3 keyed C; question 4 is keyed
        // D, but the six strongest chose A and earned nothing, so it separates the wrong way.
        var sheets = Enumerable.Range(0, 10).Select(i => Markr.Sheet(
            $"Q{i:00}",
            20001,
            "2017-12-04T12:12:10+11:00",
            [
                ("1", i < 8 ? "A" : "B", i < 8 ? 1 : 0, 1),
                ("2", i < 6 ? "B" : "C", i < 6 ? 1 : 0, 1),
                ("3", i < 4 ? "C" : i == 9 ? "" : "A", i < 4 ? 1 : 0, 1),
                ("4", i < 6 ? "A" : "D", i < 6 ? 0 : 1, 1),
            ]));
        using (var content = new ByteArrayContent(Markr.Bytes(Markr.Document(sheets))))
        {
            content.Headers.ContentType = new MediaTypeHeaderValue("text/xml+markr");
            using var imported = await Api.Client.PostAsync("/import", content);
            Assert.Equal(HttpStatusCode.Created, imported.StatusCode);
        }

        var page = await Context.NewPageAsync();
        await page.GotoAsync("/exam/20001");

        var section = page.Locator("#questions");
        await Expect(section.GetByRole(AriaRole.Heading, new() { Name = "Questions" })).ToBeVisibleAsync();
        await Expect(section.Locator("li.question")).ToHaveCountAsync(4);
        await Expect(section.Locator("#reliability")).ToContainTextAsync("Cronbach's alpha");

        var miskeyed = section.Locator("li.question[data-question='4']");
        await Expect(miskeyed).ToHaveClassAsync(new Regex(@"\bflagged\b"));
        await Expect(miskeyed.Locator("[data-field='facility']")).ToHaveTextAsync("40.0%");
        await Expect(miskeyed.Locator("[data-field='discrimination']")).ToHaveTextAsync(new Regex("^-0\\.[0-9]{2}$"));
        await Expect(miskeyed.Locator(".notes")).ToContainTextAsync("Students who did well overall mostly chose A; the marks went to D: check the key.");

        // The choices as one stacked bar, named for assistive technology, the keyed segment marked and as wide as its share.
        var bar = miskeyed.Locator("svg.spread[role='img']");
        await Expect(bar).ToHaveAttributeAsync("aria-label", "Choices given to question 4: A: 6 (60.0%); D: 4 (40.0%), earned marks");
        await Expect(bar.Locator(".segment")).ToHaveCountAsync(2);
        await Expect(bar.Locator(".segment.keyed[data-choice='D'] text")).ToHaveTextAsync("D ✓");
        var keyed = await bar.Locator(".segment.keyed rect").BoundingBoxAsync();
        var other = await bar.Locator(".segment[data-choice='A'] rect").BoundingBoxAsync();
        Assert.InRange(keyed!.Width / (keyed.Width + other!.Width), 0.35, 0.45);

        // Question 3's blank is a choice of its own; question 1 is sound, so it is not outlined.
        await Expect(section.Locator("li.question[data-question='3'] .segment.blank")).ToHaveCountAsync(1);
        await Expect(section.Locator("li.question[data-question='1']")).Not.ToHaveClassAsync(new Regex(@"\bflagged\b"));
        await CheckAndCaptureAsync(page, "exam-questions");
        await using (var dark = await _host.NewContextAsync(ColorScheme.Dark, Viewports[0].Width, Viewports[0].Height))
        {
            var darkPage = await dark.NewPageAsync();
            await darkPage.GotoAsync("/exam/20001");
            await Expect(darkPage.Locator("#questions li.question")).ToHaveCountAsync(4);
            await CheckAndCaptureAsync(darkPage, "dark-exam-questions");
        }

        // An exam whose sheets carry no answers has no such section.
        await page.GotoAsync("/exam/10393");
        await Expect(page.Locator("svg#histogram")).ToBeVisibleAsync();
        await Expect(page.Locator("#questions")).ToHaveCountAsync(0);
    }

    [BrowserFact]
    public async Task A_score_stored_after_the_page_opened_appears_on_it_without_a_reload()
    {
        var page = await Context.NewPageAsync();
        await page.GotoAsync("/exam/10393");
        await Expect(page.Locator("#live-status")).ToContainTextAsync("Live");

        await Scores.WriteAsync(Api.Store, ("Newcomer", 10393, 0.99));

        await Expect(page.Locator("#results tr").First).ToContainTextAsync("Newcomer");
        await Expect(page.Locator("[data-field='count']")).ToHaveTextAsync("5");
        await Expect(page.Locator("[data-field='max']")).ToHaveTextAsync("99.0%");
        await Expect(page.Locator("svg#histogram text[data-bin-count='9']")).ToHaveTextAsync("2");

        var home = await Context.NewPageAsync();
        await home.GotoAsync("/");
        await Expect(home.Locator("#live-status")).ToContainTextAsync("Live");
        await Scores.WriteAsync(Api.Store, ("Second.Newcomer", 10395, 0.5));
        await Expect(home.Locator("#ticker li").First).ToContainTextAsync("Second.Newcomer");
        await Expect(home.Locator("#exams tr").First).ToContainTextAsync("10395");
    }

    [BrowserFact]
    public async Task The_student_search_finds_a_student_and_charts_them_against_each_exams_average()
    {
        var page = await Context.NewPageAsync();
        await page.GotoAsync("/student");
        await CheckAndCaptureAsync(page, "student-search");

        await page.GetByLabel("Student id, or how it starts").FillAsync("Beth");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Beth_Cronin" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Beth_Cronin" })).ToBeVisibleAsync();
        await Expect(page.Locator("#student-results tr")).ToHaveCountAsync(2);
        await Expect(page.Locator("#student-results tr[data-exam='10393'] [data-field='exam-average']")).ToHaveTextAsync("67.2%");

        var chart = page.Locator("[data-chart='student']");
        await chart.FocusAsync();
        await page.Keyboard.PressAsync("Home");
        await Expect(chart.Locator(".u-legend")).ToContainTextAsync("68.8%");
        await Expect(chart.Locator(".u-legend")).ToContainTextAsync("67.2%");
        await CheckAndCaptureAsync(page, "student");
    }

    [BrowserFact]
    public async Task A_students_page_follows_their_results_and_their_exams_averages_without_a_reload()
    {
        var page = await Context.NewPageAsync();
        await page.GotoAsync("/student?id=Beth_Cronin");
        await Expect(page.Locator("#live-status")).ToContainTextAsync("Live");

        await Scores.WriteAsync(Api.Store, ("Beth_Cronin", 10395, 0.4), ("Someone.Else", 10394, 0.45));

        await Expect(page.Locator("#student-results tr")).ToHaveCountAsync(3);
        await Expect(page.Locator("#student-results tr").Last).ToContainTextAsync("40.0%");
        await Expect(page.Locator("[data-field='exam-count']")).ToHaveTextAsync("3");
        await Expect(page.Locator("#student-results tr[data-exam='10394'] [data-field='exam-average']")).ToHaveTextAsync("65.0%");
    }

    [BrowserFact]
    public async Task The_ingestion_page_shows_the_feeds_state_and_rejections()
    {
        await Api.Store.WriteFeedBatchAsync("test", [Scores.Raw("{\"studentId\":\"x\"}")], CancellationToken.None);
        var page = await Context.NewPageAsync();
        await page.GotoAsync("/feed");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Recent rejections" })).ToBeVisibleAsync();
        await Expect(page.Locator("#rejections")).ToContainTextAsync("missing_field");
        await Expect(page.Locator("section[data-feed='test'] [data-chart='feed-trend'] canvas").First).ToBeVisibleAsync();
        await CheckAndCaptureAsync(page, "feed");
    }

    [BrowserFact]
    public async Task The_ingestion_pages_counts_and_sparkline_move_without_a_reload()
    {
        var page = await Context.NewPageAsync();
        await page.GotoAsync("/feed");
        var feed = page.Locator("section[data-feed='test']");
        await Expect(feed.Locator("[data-field='accepted']")).ToHaveTextAsync("5");
        await Expect(page.Locator("#live-status")).ToContainTextAsync("Live");

        await Scores.WriteAsync(Api.Store, ("Newcomer", 10395, 0.5));

        await Expect(feed.Locator("[data-field='accepted']")).ToHaveTextAsync("6");
        await Expect(feed.Locator("[data-field='rate']")).Not.ToHaveTextAsync("0.0/s");

        // The rate above is the mean of the newest samples, so one of the sparkline's points holds that write.
        var chart = feed.Locator("[data-chart='feed-trend']");
        await chart.FocusAsync();
        await page.Keyboard.PressAsync("End");
        var points = int.Parse(await chart.GetAttributeAsync("data-points") ?? "0", CultureInfo.InvariantCulture);
        var shown = new List<string>();
        for (var i = 0; i < points; i++)
        {
            shown.Add(await chart.Locator(".u-legend").InnerTextAsync());
            await page.Keyboard.PressAsync("ArrowLeft");
        }

        Assert.Contains(shown, legend => RatePattern().IsMatch(legend));
    }

    [BrowserFact]
    public async Task A_missing_page_is_an_html_page_with_the_search_while_the_api_keeps_problem_details()
    {
        var page = await Context.NewPageAsync();
        var response = await page.GotoAsync("/exam/99999");

        Assert.Equal(404, response!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Page not found" })).ToBeVisibleAsync();
        await CheckAndCaptureAsync(page, "not-found");
        await page.GetByLabel("Look for a student").FillAsync("Beth_Cronin");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Beth_Cronin" })).ToBeVisibleAsync();

        var unknown = await page.GotoAsync("/no/such/page");
        Assert.Equal(404, unknown!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Page not found" })).ToBeVisibleAsync();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/no/such/page");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var api = await Api.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
    }

    [BrowserFact]
    public async Task Every_page_names_its_icon_and_the_icon_is_served()
    {
        var page = await Context.NewPageAsync();
        await page.GotoAsync("/");

        var href = await page.Locator("link[rel='icon']").GetAttributeAsync("href");
        var icon = await page.APIRequest.GetAsync(href!);
        Assert.Equal(200, icon.Status);
        Assert.Equal("image/svg+xml", icon.Headers["content-type"]);
    }

    [BrowserFact]
    public async Task The_pages_turn_dark_with_the_system_and_stay_readable()
    {
        await using var dark = await _host.NewContextAsync(ColorScheme.Dark, Viewports[0].Width, Viewports[0].Height);
        var page = await dark.NewPageAsync();
        foreach (var (path, name) in new[] { ("/", "overview"), ("/exam/10393", "exam"), ("/student?id=Beth_Cronin", "student"), ("/feed", "feed") })
        {
            await page.GotoAsync(path);
            await Expect(page.Locator("body")).ToHaveCSSAsync("background-color", "rgb(18, 20, 23)");
            await CheckAndCaptureAsync(page, $"dark-{name}");
        }
    }

    [BrowserFact]
    public async Task Without_authentication_the_sign_in_page_keeps_the_whole_navigation()
    {
        var page = await Context.NewPageAsync();
        await page.GotoAsync("/signin");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await SignInBrowserTests.ExpectWholeNavigationAsync(page);
    }

    /// <summary>Axe finds nothing serious or critical on the page; it is saved at each width, and checked again at each.</summary>
    internal static async Task CheckAndCaptureAsync(IPage page, string name)
    {
        foreach (var (viewport, width, height) in Viewports)
        {
            await page.SetViewportSizeAsync(width, height);
            await CheckAsync(page);
            await page.ScreenshotAsync(new() { Path = Screenshot($"{viewport}-{name}.png"), FullPage = true });
        }

        await page.SetViewportSizeAsync(Viewports[0].Width, Viewports[0].Height);
    }

    private static async Task CheckAsync(IPage page)
    {
        var result = await page.RunAxe();
        var serious = result.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Html))}")
            .ToList();
        Assert.True(serious.Count == 0, $"{page.Url}:\n{string.Join("\n", serious)}");
    }

    private static string Screenshot(string name) => Path.Combine(Chromium.ScreenshotDirectory, name);

    [GeneratedRegex(@"[1-9][0-9]*\.[0-9]/s|0\.[1-9]/s")]
    private static partial Regex RatePattern();
}
