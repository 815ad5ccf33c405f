using System.Diagnostics;
using Gradebook.Storage;
using Gradebook.Tests.Support;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Gradebook.Bench;

/// <summary>
/// The write path statement by statement: a feed batch's steps as <c>BatchWriter.WriteFeedBatchAsync</c> runs them, each
/// timed on its own, at several batch sizes, in microseconds per event; no HTTP, no parsing. On SQLite it also times
/// every statement the engine runs, by SQLite's own profile hook (what <c>pg_stat_statements</c> gives PostgreSQL).
/// </summary>
internal static class WriteProfile
{
    private static readonly int[] BatchSizes = [16_384, 32_768, 65_536];
    private const int StatementProfileBatch = 32_768;

    public static async Task<Report> RunAsync(BenchOptions options)
    {
        var events = options.Events ?? 400_000;
        var received = Workload.AsReceived(Emulator.ScoreSequence.All(Workload.Feed(events))).ToList();
        var report = new Report("profile", ["engine", "batch", "raw record µs/ev", "stage + merge µs/ev", "feed cursor µs/ev", "commit µs/ev", "ev/s"]);
        foreach (var engine in options.Engines)
        {
            foreach (var size in BatchSizes)
            {
                using var directory = new TempDirectory();
                var (store, _) = await Workload.FreshStoreAsync(engine, directory);
                var steps = new double[4];
                var statements = new Dictionary<string, double>();
                var clock = Stopwatch.StartNew();
                foreach (var batch in received.Chunk(size))
                {
                    await using var connection = await store.Engine.OpenFeedConnectionAsync(CancellationToken.None);
                    if (connection is SqliteConnection sqlite && size == StatementProfileBatch)
                    {
                        raw.sqlite3_profile(sqlite.Handle, new strdelegate_profile((_, sql, ns) => Count(statements, sql, ns)), null);
                    }

                    await using var transaction = await store.Engine.BeginWriteAsync(connection, CancellationToken.None);
                    var started = Stopwatch.GetTimestamp();
                    await store.Writer.RecordAsync(connection, transaction, "bench", batch, CancellationToken.None);
                    started = Lap(steps, 0, started);
                    await store.Writer.MergeAsync(connection, transaction, batch.Select(e => e.Score!.Value.AsResult()), CancellationToken.None);
                    started = Lap(steps, 1, started);
                    await store.Engine.ExecuteAsync(
                        connection,
                        transaction,
                        Sql.AdvanceFeed,
                        new { source = "bench", last_event_id = batch[^1].EventId, received = (long)batch.Length, accepted = (long)batch.Length, rejected = 0L, ignored = 0L },
                        CancellationToken.None);
                    started = Lap(steps, 2, started);
                    await store.Writer.CommitAsync(connection, transaction, CancellationToken.None);
                    Lap(steps, 3, started);
                    if (connection is SqliteConnection profiled)
                    {
                        raw.sqlite3_profile(profiled.Handle, (strdelegate_profile?)null, null);
                    }
                }

                var rate = received.Count / clock.Elapsed.TotalSeconds;
                report.Add(engine, size, steps[0] / received.Count, steps[1] / received.Count, steps[2] / received.Count, steps[3] / received.Count, rate);
                Console.WriteLine($"  {engine} {size:N0}: {rate:N0} ev/s");
                foreach (var (statement, ns) in statements.OrderByDescending(s => s.Value))
                {
                    report.Note($"{engine} {size:N0}, {ns / 1000 / received.Count:0.000} µs/ev: {statement}");
                }

                await store.DisposeAsync();
            }
        }

        report.Note("Each step timed alone: the raw record (the engine's bulk path), staging and the set-wise merge, the feed's cursor, and the commit (with the data version).");
        return report;
    }

    private static void Count(Dictionary<string, double> statements, string sql, long ns)
    {
        var line = sql.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0 && !l.StartsWith("--", StringComparison.Ordinal)) ?? sql;
        var key = line.Length > 90 ? line[..90] : line;
        statements[key] = statements.GetValueOrDefault(key) + ns;
    }

    private static long Lap(double[] steps, int step, long started)
    {
        steps[step] += Stopwatch.GetElapsedTime(started).TotalMicroseconds;
        return Stopwatch.GetTimestamp();
    }
}
