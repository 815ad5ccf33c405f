using System.Net;
using System.Net.Sockets;
using Gradebook.Exams;
using Gradebook.Grading;
using Gradebook.Storage;
using Gradebook.Tests.Support;

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
