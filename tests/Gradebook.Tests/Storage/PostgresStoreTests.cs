using System.Net;
using System.Net.Sockets;
using Dapper;
using Gradebook.Exams;
using Gradebook.Grading;
using Gradebook.Imports;
using Gradebook.Storage;
using Gradebook.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gradebook.Tests.Storage;

/// <summary>
/// The store contract on a real PostgreSQL server, one database per store, plus what only a shared server can get
/// wrong: several instances migrating and writing at once.
/// </summary>
[Collection(PostgresServer.CollectionName)]
public sealed class PostgresStoreTests(PostgresServer server) : StoreContract
{
    protected override Task<string> NewDatabaseAsync() => server.CreateDatabaseAsync();

    private protected override StoreHarness Open(string connectionString) => new StoreHarness(new PostgresEngine(connectionString));

    [Fact]
    public async Task An_unreachable_server_fails_with_a_clear_message()
    {
        int closedPort;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        await using var store = new StoreHarness(new PostgresEngine($"Host=127.0.0.1;Port={closedPort};Database=grades;Username=gradebook;Timeout=5"));

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.MigrateAsync(CancellationToken.None));
        Assert.StartsWith($"The PostgreSQL database 'grades' on 127.0.0.1:{closedPort} cannot be reached", error.Message, StringComparison.Ordinal);
        Assert.Contains("refused", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_connection_string_that_is_not_npgsql_fails_with_a_clear_message()
    {
        var error = Assert.Throws<StoreUnavailableException>(() => new PostgresEngine("Data Source=gradebook.db"));

        Assert.StartsWith("ConnectionStrings:Gradebook is not a valid PostgreSQL connection string", error.Message, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task Migrating_partitions_the_raw_record_in_place_and_its_rows_before_are_one_period_for_retention()
    {
        var connectionString = await server.CreateDatabaseAsync();
        await using var store = new StoreHarness(new PostgresEngine(connectionString));
        await store.MigrateAsync(CancellationToken.None, through: RawRecordPartitions.SinceMigration - 1);
        await store.WriteFeedBatchAsync("f", [Scores.Event("amy", 1, 0.5), Scores.Raw("{bad"), Scores.Event("ben", 1, 0.25)], CancellationToken.None);
        var importer = new Importer(store.Imports, TimeProvider.System, NullLogger<Importer>.Instance);
        await importer.ImportAsync(System.Text.Encoding.UTF8.GetBytes(Markr.Document(Markr.Result("cat", 2, 10, 20))), DocumentFormats.Markr, "scanner");
        var raw = await RowsOfAsync(store, RawRecordQueries);
        var derived = await DerivedAsync(store);

        await store.MigrateAsync(CancellationToken.None);

        Assert.Equal(raw, await RowsOfAsync(store, RawRecordQueries));
        await using var connection = await store.OpenAsync(CancellationToken.None);
        var partitions = (await connection.QueryAsync<string>(
            "SELECT c.relname FROM pg_inherits AS i JOIN pg_class AS c ON c.oid = i.inhrelid WHERE i.inhparent = 'raw_batches'::regclass ORDER BY 1")).ToList();
        Assert.Contains("raw_batches_legacy", partitions);
        Assert.Contains("raw_batches_first", partitions);
        Assert.True(partitions.Count >= 2 + RawRecordPartitions.DefaultDaysAhead, string.Join(", ", partitions));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM raw_batches_legacy"));

        // New rows go to the day's partition; a rebuild reads both.
        await Scores.WriteAsync(store, ("dan", 3, 0.75));
        Assert.Equal("raw_batches_first", await connection.ExecuteScalarAsync<string>("SELECT tableoid::regclass::text FROM raw_batches ORDER BY id DESC LIMIT 1"));
        await store.RebuildAsync(CancellationToken.None);
        Assert.Equal(
            [.. derived[0].Select(r => string.Join("|", r)), "dan|3|0.75|1"],
            (await DerivedAsync(store))[0].Select(r => string.Join("|", r)).Order(StringComparer.Ordinal));

        // The rows from before the migration go as one period once the migration is older than the policy keeps.
        using var directory = new TempDirectory();
        var dropped = await Retention(store, new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(2)))
            .RunAsync(TimeSpan.FromMinutes(1), directory.Path, CancellationToken.None);
        var legacy = Assert.Single(dropped);
        Assert.Null(legacy.Period.From);
        Assert.Equal((1L, 3L, 1L, 1L), (legacy.Counts.Batches, legacy.Counts.Events, legacy.Counts.Rejections, legacy.Counts.Imports));
        Assert.StartsWith("gradebook-raw-record-until-", Path.GetFileName(legacy.Archive), StringComparison.Ordinal);
        Assert.Equal(["dan"], (await RowsOfAsync(store, ["SELECT events FROM raw_batches"]))[0].Select(e => e.Contains("dan", StringComparison.Ordinal) ? "dan" : e));

        await new RawRecordStore(store.Engine, store.Writer).RestoreAsync(
            legacy.Period, Gradebook.Retention.RawRecordArchive.ReadRowsAsync(legacy.Archive!, CancellationToken.None), CancellationToken.None);
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM raw_batches_legacy"));
        Assert.Equal(raw[2], (await RowsOfAsync(store, RawRecordQueries))[2]);
    }

    [PostgresFact]
    public async Task Instances_starting_at_once_apply_each_migration_once()
    {
        var connectionString = await server.CreateDatabaseAsync();
        var stores = Enumerable.Range(0, 4).Select(_ => new StoreHarness(new PostgresEngine(connectionString))).ToList();
        try
        {
            await Task.WhenAll(stores.Select(store => Task.Run(() => store.MigrateAsync(CancellationToken.None))));

            Assert.Equal(stores[0].Migrations.Known, await stores[0].AppliedMigrationsAsync(CancellationToken.None));
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    [PostgresFact]
    public async Task Received_times_are_kept_as_instants()
    {
        var store = await NewStoreAsync();
        var receivedAt = new DateTimeOffset(2026, 3, 1, 14, 30, 15, TimeSpan.FromHours(2)).AddTicks(123_450);
        await store.WriteFeedBatchAsync("f", [Scores.Event("amy", 1, 0.5, "1") with { ReceivedAt = receivedAt }], CancellationToken.None);

        await using var connection = await store.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT received_at FROM raw_events";
        var stored = (DateTime)(await command.ExecuteScalarAsync())!;

        Assert.Equal(DateTimeKind.Utc, stored.Kind);
        Assert.Equal(receivedAt.UtcDateTime, stored);
    }

    [PostgresFact]
    public async Task Concurrent_writers_of_overlapping_batches_end_where_one_writer_would()
    {
        var random = new Random(7);
        var scores = Enumerable.Range(0, 20_000)
            .Select(_ => ($"s{random.Next(300):D3}", (long)random.Next(40), random.NextDouble()))
            .ToArray();
        var connectionString = await server.CreateDatabaseAsync();
        var writers = Enumerable.Range(0, 4).Select(_ => new StoreHarness(new PostgresEngine(connectionString))).ToList();
        try
        {
            await writers[0].MigrateAsync(CancellationToken.None);

            // Every writer sends every score, each in its own order and batches: the most contention the rule allows.
            await Task.WhenAll(writers.Select((writer, i) => Task.Run(async () =>
            {
                var order = scores.ToArray();
                new Random(i).Shuffle(order);
                foreach (var batch in order.Chunk(250))
                {
                    await Scores.WriteAsync(writer, batch);
                }
            })));

            var expected = scores
                .GroupBy(s => (s.Item1, s.Item2))
                .Select(g => (Student: g.Key.Item1, Exam: g.Key.Item2, Score: g.Max(s => s.Item3)))
                .ToList();
            var store = writers[0];
            var students = await store.ListStudentsAsync("", 1000, CancellationToken.None);
            var byStudent = expected.GroupBy(r => r.Student).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
            Assert.Equal(byStudent.Select(g => (g.Key, (long)g.Count())), students.Select(s => (s.StudentId, s.ExamCount)));
            foreach (var (summary, group) in students.Zip(byStudent))
            {
                // Sums of deltas added in whatever order the writers committed: equal up to rounding, not bit for bit.
                Assert.Equal(group.Average(r => r.Score), summary.Average, 1e-12);
            }

            foreach (var group in expected.GroupBy(r => r.Exam))
            {
                var exam = await store.GetExamAsync(group.Key, CancellationToken.None);
                Assert.Equal(group.OrderBy(r => r.Student, StringComparer.Ordinal).Select(r => new ExamResult(r.Student, r.Score)), exam!.Results);
                Assert.Equal(group.Count(), exam.StudentCount);
                Assert.Equal(group.Average(r => r.Score), exam.Average, 1e-12);
            }
        }
        finally
        {
            foreach (var writer in writers)
            {
                await writer.DisposeAsync();
            }
        }
    }
}
