using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Gradebook.Emulator;
using Gradebook.Feed;
using Gradebook.Grading;
using Gradebook.Ingestion;
using Gradebook.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Gradebook.Tests.EndToEnd;

/// <summary>Whole hosts over PostgreSQL reading a real emulator over HTTP: several at once, and side by side with SQLite.</summary>
[Collection(PostgresServer.CollectionName)]
public sealed class PostgresFeedTests(PostgresServer server) : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [PostgresFact]
    public async Task Two_instances_sharing_two_feeds_each_ingest_one_and_end_with_what_one_would_store()
    {
        // Two feeds over one pool of students and the same exam numbers, so the two owners merge into the same results
        // at the same time: the highest score must win and no update may be lost or deadlock.
        EmulatorOptions[] feeds =
        [
            new() { EventsPerSecond = 0, Students = 300, MaxEvents = 15_000, Seed = 23, MinBurst = 20, MaxBurst = 300 },
            new() { EventsPerSecond = 0, Students = 300, MaxEvents = 15_000, Seed = 24, MinBurst = 20, MaxBurst = 300 },
        ];
        await using var north = await EmulatorServer.StartAsync(feeds[0]);
        await using var south = await EmulatorServer.StartAsync(feeds[1]);
        var connectionString = await server.CreateDatabaseAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Postgres",
            ["ConnectionStrings:Gradebook"] = connectionString,
            ["Feeds:north:Url"] = north.ScoresUrl.ToString(),
            ["Feeds:south:Url"] = south.ScoresUrl.ToString(),
            ["Feed:BatchSize"] = "250",
            ["Fleet:HeartbeatInterval"] = "00:00:00.100",
        };
        await using (var first = new GradebookFactory(settings))
        await using (var second = new GradebookFactory(settings))
        {
            // Started together, so they migrate one fresh database and then share the feeds out.
            await Task.WhenAll(Task.Run(() => first.Services), Task.Run(() => second.Services));
            var store = StoreHarness.Of(first.Services);
            foreach (var (name, options) in new[] { ("north", feeds[0]), ("south", feeds[1]) })
            {
                var last = options.MaxEvents.ToString(CultureInfo.InvariantCulture);
                await Eventually.Until(() => store.GetFeedAsync(name, CancellationToken.None), c => c?.LastEventId == last, TimeSpan.FromMinutes(3));
            }

            using var client = first.CreateClient();
            await AssertStoredExactlyAsync(client, feeds);
        }

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT (SELECT count(*) FROM raw_events), (SELECT count(DISTINCT (source, event_id)) FROM raw_events),
                   (SELECT deadlocks FROM pg_stat_database WHERE datname = current_database())
            """,
            connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal(feeds.Sum(f => f.MaxEvents), reader.GetInt64(0));
        Assert.Equal(feeds.Sum(f => f.MaxEvents), reader.GetInt64(1));

        // Read after both hosts have stopped, when their sessions have reported their statistics: a deadlock would
        // have failed a batch, which the host retries, so only this counter would show it.
        Assert.Equal(0, reader.GetInt64(2));
    }

    [PostgresFact]
    public async Task The_api_over_postgres_answers_as_it_does_over_sqlite()
    {
        var options = new EmulatorOptions { EventsPerSecond = 0, Students = 200, MaxEvents = 10_000, Seed = 5, MinBurst = 20, MaxBurst = 200 };
        await using var emulator = await EmulatorServer.StartAsync(options);
        await using var sqlite = new GradebookFactory(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Gradebook"] = _directory.SqliteConnectionString(),
            ["Feed:Url"] = emulator.ScoresUrl.ToString(),
        });
        await using var postgres = new GradebookFactory(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Postgres",
            ["ConnectionStrings:Gradebook"] = await server.CreateDatabaseAsync(),
            ["Feed:Url"] = emulator.ScoresUrl.ToString(),
        });
        await Task.WhenAll(AllCommittedAsync(sqlite, options), AllCommittedAsync(postgres, options));
        using var a = sqlite.CreateClient();
        using var b = postgres.CreateClient();

        var students = await AssertSamePagesAsync(a, b, "/students?limit=45");
        var exams = await AssertSamePagesAsync(a, b, "/exams?limit=13");
        var urls = students.Select(s => "/students/" + Uri.EscapeDataString(s.GetProperty("studentId").GetString()!))
            .Concat(exams.Select(e => "/exams/" + e.GetProperty("exam").GetInt64().ToString(CultureInfo.InvariantCulture)))
            .Concat(["/students/Nobody", "/exams/1", "/students?after=~&limit=5"]);
        foreach (var url in urls)
        {
            using var fromSqlite = await a.GetAsync(url);
            using var fromPostgres = await b.GetAsync(url);
            Assert.Equal(fromSqlite.StatusCode, fromPostgres.StatusCode);
            var x = await fromSqlite.Content.ReadFromJsonAsync<JsonElement>();
            var y = await fromPostgres.Content.ReadFromJsonAsync<JsonElement>();
            if (fromSqlite.IsSuccessStatusCode)
            {
                AssertSameAnswer(x, y, url);
            }
            else
            {
                Assert.Equal(x.GetProperty("detail").GetString(), y.GetProperty("detail").GetString());
            }
        }
    }

    private static async Task AllCommittedAsync(GradebookFactory host, EmulatorOptions options)
    {
        var status = host.Services.GetRequiredService<FeedCatalog>().Feeds.Single().Status;
        var last = options.MaxEvents.ToString(CultureInfo.InvariantCulture);
        await Eventually.Until(() => Task.FromResult(status.LastCommittedEventId), id => id == last, TimeSpan.FromMinutes(3));
    }

    /// <summary>Every list and every detail equals the emulator's events with the highest score kept per student and exam.</summary>
    private static async Task AssertStoredExactlyAsync(HttpClient client, params EmulatorOptions[] feeds)
    {
        var expected = feeds.SelectMany(ScoreSequence.All)
            .GroupBy(e => (e.StudentId, e.Exam))
            .Select(g => (g.Key.StudentId, g.Key.Exam, Score: g.Max(e => e.Score)))
            .ToList();

        var students = await client.AllPagesAsync("/students?limit=1000");
        var byStudent = expected.GroupBy(r => r.StudentId).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        Assert.Equal(byStudent.Select(g => (g.Key, g.Count())), students.Select(s => (s.GetProperty("studentId").GetString()!, s.GetProperty("examCount").GetInt32())));
        foreach (var (summary, group) in students.Zip(byStudent))
        {
            // Averages are sums of per-batch deltas, added in whatever order the two writers committed: equal up to
            // rounding in the last bits, not bit for bit.
            Assert.Equal(group.Average(r => r.Score), summary.GetProperty("average").GetDouble(), 1e-12);
            var student = await client.GetFromJsonAsync<JsonElement>("/students/" + Uri.EscapeDataString(group.Key));
            Assert.Equal(
                group.OrderBy(r => r.Exam).Select(r => (r.Exam, r.Score)),
                student.GetProperty("results").EnumerateArray().Select(r => (r.GetProperty("exam").GetInt64(), r.GetProperty("score").GetDouble())));
        }

        var exams = await client.AllPagesAsync("/exams?limit=1000");
        var byExam = expected.GroupBy(r => r.Exam).OrderBy(g => g.Key).ToList();
        Assert.Equal(byExam.Select(g => (g.Key, g.Count())), exams.Select(e => (e.GetProperty("exam").GetInt64(), e.GetProperty("studentCount").GetInt32())));
        foreach (var group in byExam)
        {
            var exam = await client.GetFromJsonAsync<JsonElement>($"/exams/{group.Key}");
            Assert.Equal(
                group.OrderBy(r => r.StudentId, StringComparer.Ordinal).Select(r => (r.StudentId, r.Score)),
                exam.GetProperty("results").EnumerateArray().Select(r => (r.GetProperty("studentId").GetString()!, r.GetProperty("score").GetDouble())));
            Assert.Equal(group.Average(r => r.Score), exam.GetProperty("average").GetDouble(), 1e-12);
        }
    }

    /// <summary>Walks a paged list on both hosts page by page, comparing each page whole; returns every item.</summary>
    private static async Task<List<JsonElement>> AssertSamePagesAsync(HttpClient a, HttpClient b, string url)
    {
        var items = new List<JsonElement>();
        string? next = url;
        while (next is not null)
        {
            var x = await a.GetFromJsonAsync<JsonElement>(next);
            var y = await b.GetFromJsonAsync<JsonElement>(next);
            AssertSameAnswer(x, y, next);
            items.AddRange(x.GetProperty("items").EnumerateArray());
            next = x.GetProperty("next").GetString();
        }

        return items;
    }

    /// <summary>The same JSON, except that an average may differ in its last bits (batches fall differently on each host).</summary>
    private static void AssertSameAnswer(JsonElement expected, JsonElement actual, string where, string? property = null)
    {
        Assert.True(expected.ValueKind == actual.ValueKind, $"{where}: {property} is {actual.ValueKind}, not {expected.ValueKind}");
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                Assert.Equal(expected.EnumerateObject().Select(p => p.Name), actual.EnumerateObject().Select(p => p.Name));
                foreach (var p in expected.EnumerateObject())
                {
                    AssertSameAnswer(p.Value, actual.GetProperty(p.Name), where, p.Name);
                }

                break;
            case JsonValueKind.Array:
                Assert.True(expected.GetArrayLength() == actual.GetArrayLength(), $"{where}: {property} has {actual.GetArrayLength()} items, not {expected.GetArrayLength()}");
                foreach (var (x, y) in expected.EnumerateArray().Zip(actual.EnumerateArray()))
                {
                    AssertSameAnswer(x, y, where, property);
                }

                break;
            case JsonValueKind.Number when property == "average":
                Assert.Equal(expected.GetDouble(), actual.GetDouble(), 1e-12);
                break;
            default:
                Assert.True(expected.GetRawText() == actual.GetRawText(), $"{where}: {property} is {actual.GetRawText()}, not {expected.GetRawText()}");
                break;
        }
    }
}
