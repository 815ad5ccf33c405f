using Gradebook.Tests.Support;

namespace Gradebook.Tests.EndToEnd;

/// <summary>Start-up with a bad setting fails fast with a message an operator can act on, not a stack trace.</summary>
public sealed class StartupTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData("Feed__Url", "ftp://example.org/scores", "Feed:Url must be an absolute http or https URL")]
    [InlineData("Feed__Url", "not a url", "Feed:Url must be an absolute http or https URL")]
    [InlineData("Feed__Url", "http://user:secret@127.0.0.1/scores", "Feed:Url must not carry credentials")]
    [InlineData("Emulator__EventsPerSecond", "-1", "EventsPerSecond")]
    [InlineData("Storage__Provider", "Mongo", "Failed to convert configuration value 'Mongo' at 'Storage:Provider'")]
    [InlineData("Feed__BatchSize", "lots", "Failed to convert configuration value 'lots' at 'Feed:BatchSize'")]
    public async Task A_bad_setting_stops_start_up_with_a_message_that_names_it(string key, string value, string message)
    {
        using var process = GradebookProcess.Start(new Dictionary<string, string>
        {
            ["ConnectionStrings__Gradebook"] = _directory.SqliteConnectionString(),
            ["URLS"] = "http://127.0.0.1:0",
            [key] = value,
        });

        Assert.Equal(1, await process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("Gradebook cannot start: ", process.Output, StringComparison.Ordinal);
        Assert.Contains(message, process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_that_cannot_be_opened_stops_start_up_with_a_message()
    {
        var file = Path.Combine(_directory.Path, "plain.txt");
        await File.WriteAllTextAsync(file, new string('x', 4096));
        using var process = GradebookProcess.Start(new Dictionary<string, string>
        {
            ["ConnectionStrings__Gradebook"] = $"Data Source={file}",
            ["URLS"] = "http://127.0.0.1:0",
        });

        Assert.Equal(1, await process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains($"Gradebook cannot start: The SQLite database '{file}' cannot be opened or migrated", process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", process.Output, StringComparison.Ordinal);
    }
}
