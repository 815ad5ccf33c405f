namespace Gradebook.Bench;

internal static class QueryBenchmark
{
    public static Task<Report> RunAsync(BenchOptions options) => throw new NotImplementedException();
}
