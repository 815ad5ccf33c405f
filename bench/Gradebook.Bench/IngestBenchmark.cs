using System.Diagnostics;
using Gradebook.Emulator;
using Gradebook.Tests.Support;

namespace Gradebook.Bench;

/// <summary>
/// End-to-end ingest (emulator over loopback → a Gradebook process → committed) beside the two limits that bound it:
/// the parse limit (SSE and payload parsing alone) and the store limit (the same rows written by the same store).
/// </summary>
internal static class IngestBenchmark
{
    /// <summary>The store limit writes batches of the size the host commits when it is behind.</summary>
    private static readonly int BatchSize = new Feed.FeedOptions().BatchSize;

    public static async Task<Report> RunAsync(BenchOptions options)
    {
        long[] sizes = options.Events is { } n ? [n] : [100_000, 1_000_000];
        var report = new Report("ingest", ["engine", "events", "parse limit ev/s", "store limit ev/s", "end-to-end ev/s", "e2e / lower limit", "engine bulk rows/s", "e2e / engine bulk"]);
        foreach (var engine in options.Engines)
        {
            foreach (var size in sizes)
            {
                var feed = Workload.Feed(size);
                var sent = ScoreSequence.All(feed);
                var wire = Workload.Wire(sent);
                var (csv, rows) = EngineBaseline.Csv(sent);

                await Workload.ParseAsync(wire.AsSpan(0, Math.Min(wire.Length, 4 << 20)).ToArray(), 0); // warm-up: JIT and tiering
                var clock = Stopwatch.StartNew();
                var parsed = await Workload.ParseAsync(wire, sent.Count);
                var parseRate = parsed.Count / clock.Elapsed.TotalSeconds;

                double storeRate;
                using (var directory = new TempDirectory())
                {
                    var (store, _) = await Workload.FreshStoreAsync(engine, directory);
                    clock.Restart();
                    foreach (var batch in parsed.Chunk(BatchSize))
                    {
                        await store.WriteFeedBatchAsync("bench", batch, CancellationToken.None);
                    }

                    storeRate = parsed.Count / clock.Elapsed.TotalSeconds;
                }

                sent = null;
                parsed = null;
                wire = null;
                GC.Collect();

                // The engine's own bulk load of the same rows, right before each end-to-end run, so each pair shares the
                // machine's state; --repeat N measures N pairs back to back, and the median of their ratios is noted.
                var ratios = new List<double>();
                for (var pair = 0; pair < options.Repeat; pair++)
                {
                    double bulkRate;
                    using (var directory = new TempDirectory())
                    {
                        var (_, settings) = await Workload.FreshStoreAsync(engine, directory);
                        bulkRate = engine == "sqlite"
                            ? await EngineBaseline.SqliteImportAsync(csv, rows, directory)
                            : await EngineBaseline.PostgresCopyAsync(settings["ConnectionStrings__Gradebook"], csv, rows);
                    }

                    double endToEnd;
                    using (var directory = new TempDirectory())
                    {
                        var (store, settings) = await Workload.FreshStoreAsync(engine, directory);
                        await using var emulator = await EmulatorServer.StartAsync(feed);
                        using var host = Workload.StartHost(settings, emulator.ScoresUrl);
                        endToEnd = await Workload.CommitRateAsync(store, size, host);
                    }

                    ratios.Add(endToEnd / bulkRate);
                    report.Add(engine, size, parseRate, storeRate, endToEnd, endToEnd / Math.Min(parseRate, storeRate), bulkRate, endToEnd / bulkRate);
                    Console.WriteLine($"  {engine} {size:N0}: parse {parseRate:N0}/s, store {storeRate:N0}/s, engine bulk {bulkRate:N0} rows/s, end-to-end {endToEnd:N0}/s");
                }

                if (ratios.Count > 1)
                {
                    ratios.Sort();
                    report.Note($"{engine} {size:N0}: median e2e / engine bulk of {ratios.Count} pairs {ratios[ratios.Count / 2]:0.000} (from {ratios[0]:0.000} to {ratios[^1]:0.000}).");
                }
            }
        }

        report.Note("parse limit: SSE parsing + payload validation of the emulator's exact bytes from memory, one thread.");
        report.Note($"store limit: the parsed events written by the store in batches of {BatchSize:N0} (the host's Feed:BatchSize), no HTTP, no parsing.");
        report.Note("engine bulk: the same results (one row per student and exam, its highest score) as CSV, loaded by the engine itself into a table with Gradebook's two keys: the sqlite3 shell's .import (WITHOUT ROWID, WAL, synchronous=NORMAL), or PostgreSQL's COPY (durable server); measured right before the end-to-end run.");
        report.Note("end-to-end: emulator (this process, full speed) → HTTP over loopback → a Gradebook process → committed, timed from its first commit.");
        return report;
    }
}
