using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gradebook.Tests.Support;

namespace Gradebook.Tests.Operations;

/// <summary>What an operator reads on the console of a real process.</summary>
public sealed class LogTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Log_lines_carry_utc_timestamps_and_a_periodic_summary_not_one_line_per_event()
    {
        using var process = GradebookProcess.Start(new Dictionary<string, string>
        {
            ["ConnectionStrings__Gradebook"] = _directory.SqliteConnectionString(),
            ["URLS"] = "http://127.0.0.1:0",
            ["Feed__SummaryInterval"] = "00:00:01",
        });
        // A summary can come before the first commit ("last committed event none"): wait for one after a few hundred
        // events are committed, however long a busy machine takes to get there.
        await Eventually.Until(() => Task.FromResult(process.Output), output => Summaries(output).Any(s => s.Total >= 200 && s.LastEventId != "none"));
        Assert.Equal(0, await process.TerminateAsync(TimeSpan.FromSeconds(60)));

        var output = process.Output;
        var entries = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => Regex.IsMatch(l, @"\b(info|warn|fail|crit|dbug):")).ToList();
        Assert.All(entries, l => Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (info|warn|fail|crit|dbug): ", l));
        Assert.Contains("Ingesting feed emulator from http://127.0.0.1:", output, StringComparison.Ordinal);
        Assert.Contains(", resuming from the start", output, StringComparison.Ordinal);
        Assert.DoesNotContain("(null)", output, StringComparison.Ordinal);
        Assert.Matches("; 0 events left uncommitted", output);
        var received = Summaries(output).Max(s => s.Total);
        Assert.True(entries.Count < received, $"{entries.Count} log entries for {received} events");
    }

    [Fact]
    public async Task Json_console_logs_are_one_object_a_line_with_a_utc_timestamp()
    {
        using var process = GradebookProcess.Start(new Dictionary<string, string>
        {
            ["ConnectionStrings__Gradebook"] = _directory.SqliteConnectionString(),
            ["URLS"] = "http://127.0.0.1:0",
            ["Feed__Enabled"] = "false",
            ["Logging__Console__FormatterName"] = "json",
        });
        await Eventually.Until(() => Task.FromResult(process.Output), output => output.Contains("Application started", StringComparison.Ordinal));
        Assert.Equal(0, await process.TerminateAsync(TimeSpan.FromSeconds(60)));

        var entries = process.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Contains(entries, e => e.GetProperty("Message").GetString()!.StartsWith("Store ready: Sqlite, schema version ", StringComparison.Ordinal));
        Assert.All(entries, e => Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", e.GetProperty("Timestamp").GetString()));
    }

    [Fact]
    public async Task A_default_start_on_a_fresh_machine_warns_of_nothing_but_open_access_and_counts_its_feed_right()
    {
        // A home directory of its own: no key ring from an earlier run, as on a fresh machine or in a new container.
        var home = Path.Combine(_directory.Path, "home");
        Directory.CreateDirectory(home);
        using var process = GradebookProcess.Start(new Dictionary<string, string>
        {
            ["HOME"] = home,
            ["ConnectionStrings__Gradebook"] = _directory.SqliteConnectionString(),
            ["URLS"] = "http://127.0.0.1:0",
        });
        await Eventually.Until(() => Task.FromResult(process.Output), output => output.Contains("Ingesting feed emulator", StringComparison.Ordinal));
        Assert.Equal(0, await process.TerminateAsync(TimeSpan.FromSeconds(60)));

        var output = process.Output;
        Assert.DoesNotMatch(@"warn: Microsoft\.AspNetCore\.DataProtection", output);
        Assert.DoesNotContain("No XML encryptor", output, StringComparison.Ordinal);
        Assert.Contains("joined the fleet; 1 feed configured", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(home, ".aspnet")), "nothing is written to the user's profile");
    }

    private static IEnumerable<(long Total, string LastEventId)> Summaries(string output) =>
        Regex.Matches(output, @"Feed emulator: ingested \d+ events? in the last \d+ s \(\d+\.\d/s\); (?<total>\d+) since start; last committed event (?<last>\d+|none); lag \d+\.\d\d s")
            .Select(m => (long.Parse(m.Groups["total"].Value, CultureInfo.InvariantCulture), m.Groups["last"].Value));
}
