using System.Globalization;
using Gradebook.Bench;

// dotnet run -c Release --project bench/Gradebook.Bench -- <ingest|parse|query|latency|memory|auth|fleet|live|catchup|conditional|analytics|profile|retention|all> [--events N] [--seconds S] [--engines sqlite,postgres] [--repeat N] [--freezes N] [--results DIR | --record]
var scenario = args.FirstOrDefault() ?? "all";
var options = BenchOptions.Parse(args.Skip(1).ToArray());
var scenarios = new Dictionary<string, Func<BenchOptions, Task<Report>>>
{
    ["ingest"] = IngestBenchmark.RunAsync,
    ["parse"] = ParseBenchmark.RunAsync,
    ["query"] = QueryBenchmark.RunAsync,
    ["latency"] = LatencyBenchmark.RunAsync,
    ["memory"] = MemoryBenchmark.RunAsync,
    ["auth"] = AuthBenchmark.RunAsync,
    ["fleet"] = FleetBenchmark.RunAsync,
    ["live"] = LiveBenchmark.RunAsync,
    ["catchup"] = CatchUpBenchmark.RunAsync,
    ["conditional"] = ConditionalBenchmark.RunAsync,
    ["analytics"] = AnalyticsBenchmark.RunAsync,
    ["profile"] = WriteProfile.RunAsync,
    ["retention"] = RetentionBenchmark.RunAsync,
};

if (scenario != "all" && !scenarios.ContainsKey(scenario))
{
    Console.Error.WriteLine($"Unknown scenario '{scenario}'. Use one of: {string.Join(", ", scenarios.Keys)}, all.");
    return 2;
}

foreach (var (name, run) in scenarios.Where(s => scenario == "all" || s.Key == scenario))
{
    Console.WriteLine($"== {name} ({DateTime.UtcNow.ToString("u", CultureInfo.InvariantCulture)}) ==");
    var report = await run(options);
    report.Print();
    var path = report.Save(options.ResultsDirectory);
    Console.WriteLine($"results: {path}");
    Console.WriteLine();
}

await Workload.StopPostgresAsync();
return 0;
