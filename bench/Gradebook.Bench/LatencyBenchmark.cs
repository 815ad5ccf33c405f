namespace Gradebook.Bench;

internal static class LatencyBenchmark
{
    public static Task<Report> RunAsync(BenchOptions options) => throw new NotImplementedException();
}
