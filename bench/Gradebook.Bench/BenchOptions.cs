using System.Globalization;

namespace Gradebook.Bench;

/// <summary>Command-line settings shared by the scenarios; each scenario has its own defaults for what is not given.</summary>
internal sealed record BenchOptions(
    long? Events, double? Seconds, string ResultsDirectory, IReadOnlyList<string> Engines, int Repeat = 1, int? Freezes = null,
    IReadOnlyDictionary<string, string>? Settings = null)
{
    public static BenchOptions Parse(string[] args)
    {
        long? events = null;
        double? seconds = null;
        // A run's results go to an ignored folder, so benchmarking leaves the tree clean; --record writes the tracked
        // files that docs/benchmarks.md quotes, for a run meant to replace them.
        var results = Path.Combine(RepositoryRoot(), "bench", "results", "latest");
        var engines = Workload.DefaultEngines;
        var repeat = 1;
        int? freezes = null;
        var settings = new Dictionary<string, string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--events":
                    events = long.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--seconds":
                    seconds = double.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--results":
                    results = args[++i];
                    break;
                case "--record":
                    results = Path.Combine(RepositoryRoot(), "bench", "results");
                    break;
                case "--engines":
                    engines = args[++i].Split(',');
                    break;
                case "--freezes":
                    freezes = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--set":
                    // A setting for the Gradebook processes a scenario starts, as Section__Key=value (an environment variable).
                    var setting = args[++i].Split('=', 2);
                    settings[setting[0]] = setting.Length == 2 ? setting[1] : throw new ArgumentException($"--set takes Name=value, not '{args[i]}'.");
                    break;
                case "--repeat":
                    repeat = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                default:
                    throw new ArgumentException($"Unknown option '{args[i]}'.");
            }
        }

        return new BenchOptions(events, seconds, results, engines, repeat, freezes, settings);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Gradebook.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? Directory.GetCurrentDirectory();
    }
}
