using Microsoft.Playwright;

namespace Gradebook.Tests.Support;

/// <summary>
/// The machine's Chromium (Debian's <c>chromium</c> package), driven by Playwright through its executable path, since
/// Playwright's own browser download is not used. Where there is none, browser tests are skipped with the reason;
/// with <c>GRADEBOOK_REQUIRE_BROWSER=1</c> (as <c>.ci/run</c> sets) they fail instead.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    private const string RequireVariable = "GRADEBOOK_REQUIRE_BROWSER";

    private IPlaywright? _playwright;

    /// <summary>GRADEBOOK_CHROMIUM, else the first of the usual paths that exists; null when there is none.</summary>
    public static string? ExecutablePath { get; } =
        new[] { Environment.GetEnvironmentVariable("GRADEBOOK_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser" }
            .FirstOrDefault(path => !string.IsNullOrEmpty(path) && File.Exists(path));

    /// <summary>Why the browser tests are skipped here, or null when they run (a browser found, or required).</summary>
    public static string? SkipReason => ExecutablePath is null && Environment.GetEnvironmentVariable(RequireVariable) != "1"
        ? $"No Chromium at /usr/bin/chromium (apt-get install chromium) or GRADEBOOK_CHROMIUM; set {RequireVariable}=1 to fail instead of skipping."
        : null;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where the tests save their screenshots: under the test output directory.</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        var path = ExecutablePath ?? throw new InvalidOperationException(
            $"{RequireVariable}=1 but no Chromium was found at /usr/bin/chromium or GRADEBOOK_CHROMIUM.");
        _playwright = await Playwright.CreateAsync();

        // --no-sandbox: Chromium refuses to start its sandbox as root, which is how CI runs.
        Browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = path, Headless = true, Args = ["--no-sandbox"] });
        Directory.CreateDirectory(ScreenshotDirectory);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}

/// <summary>A test that needs a browser: skipped, with the reason, where there is none.</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute() => Skip = Chromium.SkipReason;
}
