using System.Globalization;
using Gradebook.Storage;
using Gradebook.Tests.Support;

namespace Gradebook.Bench;

/// <summary>
/// Peak resident memory of a Gradebook process ingesting 10 million events at full speed, sampled as it goes, to show
/// that it stays flat (bounded queue, no caches that grow with the data).
/// </summary>
internal static class MemoryBenchmark
{
    public static async Task<Report> RunAsync(BenchOptions options)
    {
        var events = options.Events ?? 10_000_000;
        var report = new Report("memory", ["engine", "events ingested", "RSS MB", "peak RSS MB", "database MB", "of it WAL MB", "ev/s so far"]);
        foreach (var engine in options.Engines)
        {
            using var directory = new TempDirectory();
            var (store, settings) = await Workload.FreshStoreAsync(engine, directory);
            var feed = Workload.Feed(events);
            await using var emulator = await EmulatorServer.StartAsync(feed);
            using var host = Workload.StartHost(settings, emulator.ScoresUrl);

            var step = Math.Max(1, events / 10);
            var next = step;
            var started = System.Diagnostics.Stopwatch.StartNew();
            var rate = await Workload.CommitRateAsync(store, events, host, received =>
            {
                if (received < next || received >= events)
                {
                    return;
                }

                var (rss, peak) = Memory(host.Id);
                report.Add(engine, received, rss, peak, DatabaseMegabytes(store, directory.Path), WalMegabytes(directory.Path), received / started.Elapsed.TotalSeconds);
                Console.WriteLine($"  {engine} {received:N0}: RSS {rss:F0} MB, peak {peak:F0} MB");
                next = (received / step + 1) * step;
            });
            var (finalRss, finalPeak) = Memory(host.Id);
            report.Add(engine, events, finalRss, finalPeak, DatabaseMegabytes(store, directory.Path), WalMegabytes(directory.Path), rate);
        }

        report.Note("RSS and peak RSS (VmRSS, VmHWM) of the Gradebook process from /proc; the feed runs in the benchmark process. The last row's ev/s is the whole run's end-to-end rate.");
        return report;
    }

    /// <summary>The process's resident memory now and at its peak, in MB.</summary>
    internal static (double Rss, double Peak) Memory(int pid)
    {
        double rss = 0, peak = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kilobytes(line) / 1024;
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kilobytes(line) / 1024;
            }
        }

        return (rss, peak);
    }

    private static double Kilobytes(string line) =>
        double.Parse(line.Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture);

    /// <summary>The SQLite write-ahead log's size (none on PostgreSQL, whose server keeps its own).</summary>
    private static double WalMegabytes(string directory) =>
        Directory.GetFiles(directory, "*-wal").Sum(f => new FileInfo(f).Length) / 1024.0 / 1024.0;

    /// <summary>The SQLite files' size, or what PostgreSQL reports for the database.</summary>
    private static double DatabaseMegabytes(StoreHarness store, string directory)
    {
        if (store.Engine is not PostgresEngine)
        {
            return Directory.GetFiles(directory).Sum(f => new FileInfo(f).Length) / 1024.0 / 1024.0;
        }

        using var connection = store.OpenAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT pg_database_size(current_database())";
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) / 1024.0 / 1024.0;
    }
}
