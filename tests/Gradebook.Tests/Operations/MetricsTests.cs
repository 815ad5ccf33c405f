using System.Text.RegularExpressions;
using Gradebook.Tests.Support;

namespace Gradebook.Tests.Operations;

public sealed class MetricsTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Every_metric_the_readme_lists_is_in_metrics_from_start_up_on()
    {
        var readme = await File.ReadAllTextAsync(Repository.File("README.md"));
        // A histogram appears with its first observation (the library creates it then), as the README says.
        var listed = Regex.Matches(readme, @"`(gradebook_[a-z_]+)(?:\{[a-z,]+\})?`(?! \(histogram)").Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.Contains("gradebook_feed_events", listed);

        await using var factory = GradebookFactory.ApiOnly(_directory.SqliteConnectionString());
        var metrics = await factory.CreateClient().GetStringAsync("/metrics");

        Assert.All(listed, name => Assert.Contains($"# TYPE {name} ", metrics, StringComparison.Ordinal));
        Assert.Contains("gradebook_feed_events{feed=\"emulator\",outcome=\"rejected\"} 0\n", metrics, StringComparison.Ordinal);
        Assert.Contains("gradebook_feed_reconnects{feed=\"emulator\"} 0\n", metrics, StringComparison.Ordinal);
    }
}
