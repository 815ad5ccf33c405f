using System.Net;
using System.Net.Sockets;
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
    [InlineData("Retention__RawRecord", "-1.00:00:00", "Retention:RawRecord must be positive")]
    [InlineData("Retention__PartitionsAhead", "0", "Retention:PartitionsAhead must be between 1 and 366 days")]
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

    [Fact]
    public async Task An_address_already_in_use_stops_start_up_with_a_message()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var address = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";

        var process = await StartAndFailAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__Gradebook"] = _directory.SqliteConnectionString(),
            ["URLS"] = address,
        });

        Assert.Contains($"Gradebook cannot start: Failed to bind to address {address}: address already in use.", process, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_address_that_is_not_a_url_stops_start_up_with_a_message()
    {
        var process = await StartAndFailAsync(
            new Dictionary<string, string> { ["ConnectionStrings__Gradebook"] = _directory.SqliteConnectionString() },
            "--urls", "notaurl");

        Assert.Contains("Gradebook cannot start: the address to listen on is not a URL (Invalid url: 'notaurl')", process, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Postgres_without_a_connection_string_says_that_it_is_missing()
    {
        var process = await StartAndFailAsync(new Dictionary<string, string>
        {
            ["Storage__Provider"] = "Postgres",
            ["URLS"] = "http://127.0.0.1:0",
        });

        Assert.Contains("Gradebook cannot start: Storage:Provider is Postgres but ConnectionStrings:Gradebook is empty", process, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sqlite_file_in_a_directory_that_does_not_exist_stops_start_up_and_creates_nothing()
    {
        var missing = Path.Combine(_directory.Path, "no", "such");
        var process = await StartAndFailAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__Gradebook"] = $"Data Source={Path.Combine(missing, "gradebook.db")}",
            ["URLS"] = "http://127.0.0.1:0",
        });

        Assert.Contains($"Gradebook cannot start: The SQLite database '{Path.Combine(missing, "gradebook.db")}' cannot be created: the directory '{missing}' does not exist.", process, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_directory.Path, "no")));
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("rebiuld")]
    public async Task An_unknown_command_prints_the_commands_and_exits_2_without_starting(string command)
    {
        var database = Path.Combine(_directory.Path, "gradebook.db");
        using var process = GradebookProcess.Start(
            new Dictionary<string, string> { ["ConnectionStrings__Gradebook"] = $"Data Source={database}", ["URLS"] = "http://127.0.0.1:0" },
            command);

        Assert.Equal(2, await process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains($"Unknown command '{command}'", process.Output, StringComparison.Ordinal);
        foreach (var known in new[] { "rebuild", "new-api-key", "emulator" })
        {
            Assert.Contains(known, process.Output, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("Now listening", process.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(database));
    }

    [Fact]
    public async Task Settings_given_as_key_value_arguments_are_not_taken_for_a_command()
    {
        using var process = GradebookProcess.Start(
            new Dictionary<string, string> { ["ConnectionStrings__Gradebook"] = _directory.SqliteConnectionString(), ["URLS"] = "http://127.0.0.1:0" },
            "Feed:Url=ftp://example.org/scores");

        Assert.Equal(1, await process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("Feed:Url must be an absolute http or https URL", process.Output, StringComparison.Ordinal);
    }

    /// <summary>Starts Gradebook, expects exit code 1 with exactly one line of output, and returns the output.</summary>
    private static async Task<string> StartAndFailAsync(Dictionary<string, string> environment, params string[] args)
    {
        using var process = GradebookProcess.Start(environment, args);
        Assert.Equal(1, await process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.DoesNotContain("   at ", process.Output, StringComparison.Ordinal);
        Assert.Single(process.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => line.StartsWith("Gradebook cannot start: ", StringComparison.Ordinal));
        return process.Output;
    }
}
