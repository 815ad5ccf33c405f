using System.Diagnostics;
using Gradebook.Storage;
using Gradebook.Tests.Support;

namespace Gradebook.Bench;

/// <summary>
/// The write path statement by statement: a feed batch's steps as <c>FeedStore.WriteBatchAsync</c> runs them, each
/// timed on its own, at several batch sizes, in microseconds per event; no HTTP, no parsing.
/// </summary>
internal static class WriteProfile
{
    private static readonly int[] BatchSizes = [16_384, 32_768, 65_536];

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
                var clock = Stopwatch.StartNew();
                foreach (var batch in received.Chunk(size))
                {
                    await using var connection = await store.Engine.OpenAsync(CancellationToken.None);
                    await using var transaction = await store.Engine.BeginWriteAsync(connection, CancellationToken.None);
                    var started = Stopwatch.GetTimestamp();
                    await store.Engine.InsertRawBatchAsync(connection, transaction, "bench", batch, CancellationToken.None);
                    started = Lap(steps, 0, started);
                    await store.Engine.MergeAsync(connection, transaction, batch.Select(e => e.Score!.Value.AsResult()), CancellationToken.None);
                    started = Lap(steps, 1, started);
                    await store.Engine.ExecuteAsync(
                        connection,
                        transaction,
                        Sql.AdvanceFeed,
                        new { source = "bench", last_event_id = batch[^1].EventId, received = (long)batch.Length, accepted = (long)batch.Length, rejected = 0L, ignored = 0L },
                        CancellationToken.None);
                    started = Lap(steps, 2, started);
                    await store.Engine.CommitAsync(connection, transaction, CancellationToken.None);
                    Lap(steps, 3, started);
                }

                var rate = received.Count / clock.Elapsed.TotalSeconds;
                report.Add(engine, size, steps[0] / received.Count, steps[1] / received.Count, steps[2] / received.Count, steps[3] / received.Count, rate);
                Console.WriteLine($"  {engine} {size:N0}: {rate:N0} ev/s");
                await store.DisposeAsync();
            }
        }

        report.Note("Each step timed alone: the raw record (the engine's bulk path), staging and the set-wise merge, the feed's cursor, and the commit (with the data version).");
        return report;
    }

    private static long Lap(double[] steps, int step, long started)
    {
        steps[step] += Stopwatch.GetElapsedTime(started).TotalMicroseconds;
        return Stopwatch.GetTimestamp();
    }
}
