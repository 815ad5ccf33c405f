using System.Text.Json;

namespace Gradebook.Tests.Support;

/// <summary>
/// Redocly CLI, the OpenAPI linter, at a pinned version: installed with <c>npm install</c> into a directory of its own
/// under <see cref="Npm.CacheDirectory"/> at test time and run from there afterwards. It is not kept in the repository.
/// </summary>
public static class RedoclyCli
{
    public const string Version = "2.77.0";

    private static readonly System.Version MinimumNode = new(20, 19);

    private static readonly Lazy<string?> Problem = new(Install);

    private static string InstallDirectory { get; } = Path.Combine(Npm.CacheDirectory, $"redocly-cli-{Version}");

    private static string Script => Path.Combine(InstallDirectory, "node_modules", "@redocly", "cli", "bin", "cli.js");

    /// <summary>Why the lint test is skipped here, or null when it runs (linter available, or required).</summary>
    public static string? SkipReason => Npm.SkipReason(Problem.Value);

    /// <summary>Lints the OpenAPI document at <paramref name="path"/> with the recommended rules; the report, as JSON.</summary>
    public static JsonDocument Lint(string path)
    {
        if (Problem.Value is { } problem)
        {
            throw new InvalidOperationException($"Redocly CLI is required ({Npm.RequireVariable}=1 or CI is set) but not available: {problem}");
        }

        var (exitCode, output, errors) = Npm.RunNode(Path.GetDirectoryName(path)!, Script, "lint", path, "--format=json");
        try
        {
            return JsonDocument.Parse(output);
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"Redocly CLI (exit code {exitCode}) wrote no JSON report ({e.Message}): {output} {errors}", e);
        }
    }

    /// <summary>Installs into a staging directory and moves it into place whole, so concurrent runs never see half of it.</summary>
    private static string? Install()
    {
        Directory.CreateDirectory(Npm.CacheDirectory);
        // Its package asks for Node.js 20.19 or later (Debian 12's own is 18); npm would install it on an older one all the same.
        var (nodeVersion, nodeProblem) = Npm.RunProgram("node", Npm.CacheDirectory, "--version");
        if (nodeProblem is not null || !System.Version.TryParse(nodeVersion?.Trim().TrimStart('v'), out var node) || node < MinimumNode)
        {
            return nodeProblem ?? $"Redocly CLI {Version} needs Node.js {MinimumNode} or later, and node is {nodeVersion?.Trim()}.";
        }

        if (File.Exists(Script))
        {
            return null;
        }

        var staging = Directory.CreateTempSubdirectory("gradebook-redocly-cli-").FullName;
        try
        {
            var (_, problem) = Npm.Run(
                staging, "install", "--prefix", staging, "--no-save", "--no-audit", "--no-fund", "--fetch-retries", "1", $"@redocly/cli@{Version}");
            if (problem is not null)
            {
                return problem;
            }

            try
            {
                Directory.Move(staging, InstallDirectory);
            }
            catch (IOException) when (File.Exists(Script))
            {
                // Another test run installed it first.
            }

            return File.Exists(Script) ? null : $"npm install @redocly/cli@{Version} left no {Script}.";
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }
}

/// <summary>A fact that needs Redocly CLI: skipped, with the reason, where it cannot be installed.</summary>
public sealed class RedoclyFactAttribute : FactAttribute
{
    public RedoclyFactAttribute() => Skip = RedoclyCli.SkipReason;
}
