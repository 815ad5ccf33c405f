using System.Diagnostics;
using System.Text.RegularExpressions;
using Gradebook.Tests.Support;

namespace Gradebook.Tests.EndToEnd;

/// <summary>Running the bench leaves the tree clean: its results go where git does not look, unless asked to record.</summary>
public sealed class BenchResultsTests
{
    [Fact]
    public async Task A_bench_run_writes_its_results_to_an_ignored_folder()
    {
        // The bench beside the tests, in the same configuration; built here, as `dotnet test` builds only what the tests reference.
        var configuration = new DirectoryInfo(Path.GetDirectoryName(typeof(Gradebook.Storage.StoreEngine).Assembly.Location)!).Parent!.Name;
        var project = Path.Combine(Repository.Root, "bench", "Gradebook.Bench", "Gradebook.Bench.csproj");
        var (built, buildOutput) = await RunAsync("dotnet", "build", project, "-c", configuration, "--nologo", "-v", "quiet");
        Assert.True(built == 0, buildOutput);
        var bench = Path.Combine(Repository.Root, "bench", "Gradebook.Bench", "bin", configuration, "net10.0", "Gradebook.Bench.dll");

        var (exit, output) = await RunAsync("dotnet", bench, "parse", "--events", "2000");

        Assert.True(exit == 0, output);
        var results = Regex.Match(output, "^results: (.+)$", RegexOptions.Multiline).Groups[1].Value.Trim();
        Assert.Equal(Path.Combine(Repository.Root, "bench", "results", "latest", "parse.json"), results);
        Assert.True(File.Exists(results));
        var (ignored, why) = await RunAsync("git", "-C", Repository.Root, "check-ignore", "-v", results);
        Assert.True(ignored == 0, $"git does not ignore {results}: {why}");
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}
