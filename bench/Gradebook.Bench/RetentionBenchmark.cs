using System.Diagnostics;
using Gradebook.Emulator;
using Gradebook.Retention;
using Gradebook.Storage;
using Gradebook.Tests.Support;

namespace Gradebook.Bench;

/// <summary>
/// Retention of the raw record at size: on PostgreSQL the partitioning migration of a database that already holds the
/// events (its one transaction is the lock), then the archive, the drop and the restore of that period, and the drop of
/// a day's partition holding as many; on SQLite the chunked delete of a day, with a feed writing beside it, whose
/// slowest batch is the figure that says how long ingestion waited.
/// </summary>
internal static class RetentionBenchmark
{
    public static async Task<Report> RunAsync(BenchOptions options)
    {
        var events = options.Events ?? 1_000_000;
        var report = new Report("retention", ["engine", "step", "events", "seconds", "events/s", "note"]);
        foreach (var engine in options.Engines)
        {
            if (engine == "postgres")
            {
                await PostgresAsync(report, events);
            }
            else
            {
                await SqliteAsync(report, events);
            }
        }

        return report;
    }

    private static async Task PostgresAsync(Report report, long events)
    {
        // The migration alone at the size asked for (10M rows in docs/benchmarks.md); the rest at up to a million events.
        if (events > 1_000_000)
        {
            using var large = new TempDirectory();
            var (before, _) = await Workload.FreshStoreAsync("postgres", large, through: RawRecordPartitions.SinceMigration - 1);
            await using (before)
            {
                await Workload.StoreAsync(before, Stream(events));
                var migrating = Stopwatch.StartNew();
                await before.MigrateAsync(CancellationToken.None);
                Add(report, "postgres", "migration 0016: partitioning in place (one transaction)", events, migrating.Elapsed, "the tables' lock lasts this long");
            }

            events = 1_000_000;
        }

        using var directory = new TempDirectory();
        var (store, _) = await Workload.FreshStoreAsync("postgres", directory, through: RawRecordPartitions.SinceMigration - 1);
        await using var _store = store;
        await Workload.StoreAsync(store, Stream(events));

        var clock = Stopwatch.StartNew();
        await store.MigrateAsync(CancellationToken.None);
        Add(report, "postgres", "migration 0016: partitioning in place (one transaction)", events, clock.Elapsed, "the tables' lock lasts this long");

        var raw = new RawRecordStore(store.Engine, store.Writer);
        var legacy = (await raw.OldestBeforeAsync(DateTimeOffset.UtcNow.AddSeconds(1), CancellationToken.None))!;
        await TimeDropAsync(report, "postgres", raw, legacy, events, directory);

        // A day's partition holding as many events: written now, dropped as if two days had passed (the restored
        // period from before the migration dropped first, unmeasured).
        await raw.DropAsync(legacy, await raw.CountAsync(legacy, CancellationToken.None), null, DateTimeOffset.UtcNow, CancellationToken.None);
        await Workload.StoreAsync(store, Stream(events));
        var day = (await raw.OldestBeforeAsync(DateTimeOffset.UtcNow.AddDays(2), CancellationToken.None))!;
        clock.Restart();
        await raw.DropAsync(day, await raw.CountAsync(day, CancellationToken.None), null, DateTimeOffset.UtcNow, CancellationToken.None);
        Add(report, "postgres", "drop of a day's partitions (detach concurrently, drop)", events, clock.Elapsed, $"{day.Name}, without an archive");
    }

    private static async Task SqliteAsync(Report report, long events)
    {
        using var directory = new TempDirectory();
        var (store, _) = await Workload.FreshStoreAsync("sqlite", directory);
        await using var _store = store;
        foreach (var daysAgo in (int[])[4, 3])
        {
            var old = DateTimeOffset.UtcNow.AddDays(-daysAgo);
            foreach (var batch in Workload.AsReceived(Stream(events)).Select(e => e with { ReceivedAt = old }).Chunk(8_192))
            {
                await store.WriteFeedBatchAsync("old", batch, CancellationToken.None);
            }
        }

        // The older day deleted alone; then a feed's batches of 100 events, one after another, alone and while the next
        // day is deleted.
        var raw = new RawRecordStore(store.Engine, store.Writer);
        foreach (var beside in (bool[])[false, true])
        {
            var alone = beside ? await FeedBesideAsync(store, Task.Delay(TimeSpan.FromSeconds(5))) : null;
            var period = (await raw.OldestBeforeAsync(DateTimeOffset.UtcNow.AddDays(-1), CancellationToken.None))!;
            var counts = await raw.CountAsync(period, CancellationToken.None);
            var clock = Stopwatch.StartNew();
            var deleting = raw.DropAsync(period, counts, null, DateTimeOffset.UtcNow, CancellationToken.None);
            var during = beside ? await FeedBesideAsync(store, deleting) : null;
            await deleting;
            Add(report, "sqlite", beside ? "chunked delete of a day, a feed writing beside it" : "chunked delete of a day", counts.Events, clock.Elapsed,
                beside ? $"feed batch p50/p99/max: alone {alone}; during the delete {during}" : $"{counts.Batches:N0} batch rows, {RawRecordStore.ChunkRows} a transaction");
        }
    }

    private static async Task TimeDropAsync(Report report, string engine, RawRecordStore raw, RawRecordPeriod period, long events, TempDirectory directory)
    {
        var clock = Stopwatch.StartNew();
        var (path, counts) = await RawRecordArchive.WriteAsync(directory.Path, period, raw.ReadAsync(period, CancellationToken.None), CancellationToken.None);
        Add(report, engine, "archive (gzip JSON lines)", counts.Events, clock.Elapsed, $"{new FileInfo(path).Length / 1e6:F0} MB for {counts.Batches:N0} batch rows");
        clock.Restart();
        await raw.DropAsync(period, counts, path, DateTimeOffset.UtcNow, CancellationToken.None);
        Add(report, engine, "drop of the archived period", counts.Events, clock.Elapsed, period.Name);
        clock.Restart();
        await raw.RestoreAsync(period, RawRecordArchive.ReadRowsAsync(path, CancellationToken.None), CancellationToken.None);
        Add(report, engine, "restore", counts.Events, clock.Elapsed, "");
    }

    /// <summary>Writes batches of 100 events until <paramref name="until"/> ends; the batches' p50, p99 and longest, in ms.</summary>
    private static async Task<string> FeedBesideAsync(StoreHarness store, Task until)
    {
        var times = new List<double>();
        var exam = 0;
        while (!until.IsCompleted)
        {
            var batch = Enumerable.Range(0, 100)
                .Select(i => Feed.FeedEvents.Read("score", System.Text.Encoding.UTF8.GetBytes($"{{\"studentId\":\"s{i}\",\"exam\":{1_000_000 + exam},\"score\":0.5}}"), DateTimeOffset.UtcNow))
                .ToList();
            exam++;
            var clock = Stopwatch.StartNew();
            await store.WriteFeedBatchAsync("live", batch, CancellationToken.None);
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        await until;
        times.Sort();
        return times.Count == 0 ? "none" : $"{Workload.Percentile(times, 0.5):F1}/{Workload.Percentile(times, 0.99):F1}/{times[^1]:F1} ms over {times.Count} batches";
    }

    private static IEnumerable<EmulatedEvent> Stream(long events)
    {
        var sequence = new ScoreSequence(Workload.Feed(events));
        while (!sequence.Exhausted)
        {
            foreach (var e in sequence.NextBurst())
            {
                yield return e;
            }
        }
    }

    private static void Add(Report report, string engine, string step, long events, TimeSpan elapsed, string note)
    {
        report.Add(engine, step, events, elapsed.TotalSeconds, events / elapsed.TotalSeconds, note);
        Console.WriteLine($"  {engine} {step}: {events:N0} events in {elapsed.TotalSeconds:F2} s; {note}");
    }
}
