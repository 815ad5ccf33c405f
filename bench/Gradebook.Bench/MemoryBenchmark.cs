namespace Gradebook.Bench;

internal static class MemoryBenchmark
{
    public static Task<Report> RunAsync(BenchOptions options) => throw new NotImplementedException();
}
