using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gradebook.Tests.Support;

/// <summary>
/// A Gradebook host (<see cref="ApiHost"/>, with extra settings) and a headless Chromium whose pages open on it, for
/// the dashboard's browser tests. Where there is no browser nothing is started, and the tests are skipped.
/// </summary>
internal sealed class BrowserHost(IReadOnlyDictionary<string, string?> settings) : IAsyncLifetime
{
    private readonly Chromium _chromium = new();

    public ApiHost Api { get; } = new(settings);

    /// <summary>A light-themed desktop browser context on the host.</summary>
    public IBrowserContext Context { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (Chromium.SkipReason is not null)
        {
            return;
        }

        SetDefaultExpectTimeout(30_000);
        await Api.InitializeAsync();
        await _chromium.InitializeAsync();
        Context = await NewContextAsync(ColorScheme.Light, 1280, 900);
    }

    public Task<IBrowserContext> NewContextAsync(ColorScheme scheme, int width, int height) =>
        _chromium.Browser.NewContextAsync(new()
        {
            BaseURL = Api.Client.BaseAddress!.ToString(),
            ViewportSize = new() { Width = width, Height = height },
            ColorScheme = scheme,
        });

    public async Task DisposeAsync()
    {
        if (Chromium.SkipReason is not null)
        {
            return;
        }

        await Context.DisposeAsync();
        await _chromium.DisposeAsync();
        await Api.DisposeAsync();
    }
}
