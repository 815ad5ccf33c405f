using System.Net;
using System.Net.Http.Headers;
using Dapper;
using Gradebook.Storage;
using Gradebook.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Gradebook.Tests.Storage;

/// <summary>
/// Reads on PostgreSQL take the data version from notifications, against a real server: another instance's write is
/// seen here, this instance's own at once; a lost listener makes reads ask the database until it is back; and a
/// version announced late never moves the version back.
/// </summary>
[Collection(PostgresServer.CollectionName)]
public sealed class DataVersionListenerTests(PostgresServer server)
{
    // The list of students: a read tagged by the data version itself (one student's read has that student's version).
    private const string Students = "/students";
    private const string AmyOnce = """{"items":[{"studentId":"amy","examCount":1,"average":0.5}],"next":null}""";
    private const string AmyTwice = """{"items":[{"studentId":"amy","examCount":2,"average":0.75}],"next":null}""";

    [PostgresFact]
    public async Task A_write_by_another_instance_changes_the_etag_and_the_answer_of_a_read_here()
    {
        var database = await server.CreateDatabaseAsync();
        await using var here = new Instance(database);
        await using var there = new Instance(database);
        await here.ListeningAsync();

        await Scores.WriteAsync(there.Store, ("amy", 1, 0.5));
        using var first = await Eventually.Until(() => here.GetAsync(Students), r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(AmyOnce, await first.Content.ReadAsStringAsync());

        await Scores.WriteAsync(there.Store, ("amy", 2, 1.0));
        using var second = await Eventually.Until(() => here.GetAsync(Students, first.Headers.ETag), r => r.StatusCode == HttpStatusCode.OK);

        Assert.NotEqual(first.Headers.ETag, second.Headers.ETag);
        Assert.Equal($"\"{await VersionAsync(database)}\"", second.Headers.ETag?.Tag);
        Assert.Equal(AmyTwice, await second.Content.ReadAsStringAsync());
        Assert.True(here.Versions.Listening);
        Assert.DoesNotContain(here.ListenerLogs, e => e.Level >= LogLevel.Warning);
    }

    [PostgresFact]
    public async Task A_write_committed_by_this_instance_is_read_back_at_once()
    {
        await using var here = new Instance(await server.CreateDatabaseAsync());
        await here.ListeningAsync();

        await Scores.WriteAsync(here.Store, ("amy", 1, 0.5));
        using var first = await here.GetAsync(Students);
        Assert.Equal(AmyOnce, await first.Content.ReadAsStringAsync());

        await Scores.WriteAsync(here.Store, ("amy", 2, 1.0));
        using var second = await here.GetAsync(Students, first.Headers.ETag);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(AmyTwice, await second.Content.ReadAsStringAsync());
    }

    [PostgresFact]
    public async Task After_the_listener_s_connection_is_terminated_reads_ask_the_database_until_it_listens_again()
    {
        var database = await server.CreateDatabaseAsync();
        var time = new FakeTimeProvider();
        await using var here = new Instance(database, time);
        await using var there = new StoreHarness(new PostgresEngine(database));
        await here.ListeningAsync();

        await TerminateListenerAsync(database);
        await Eventually.Until(() => Task.FromResult(here.Versions.Listening), listening => !listening);

        // The listener now waits out its backoff on a clock that stands still, so nothing can tell this instance of
        // the write: the read sees it because it asks the database.
        await Scores.WriteAsync(there, ("amy", 1, 0.5));
        using var fallback = await here.GetAsync(Students);
        Assert.Equal(HttpStatusCode.OK, fallback.StatusCode);
        Assert.Equal($"\"{await VersionAsync(database)}\"", fallback.Headers.ETag?.Tag);
        Assert.Equal(AmyOnce, await fallback.Content.ReadAsStringAsync());

        await Eventually.Until(
            () =>
            {
                time.Advance(TimeSpan.FromMinutes(1));
                return Task.FromResult(here.Versions.Listening);
            },
            listening => listening);
        await Scores.WriteAsync(there, ("amy", 2, 1.0));
        using var notified = await Eventually.Until(() => here.GetAsync(Students, fallback.Headers.ETag), r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(AmyTwice, await notified.Content.ReadAsStringAsync());

        var logs = here.ListenerLogs;
        var lost = Assert.Single(logs, e => e.Level == LogLevel.Warning);
        Assert.StartsWith("Not listening for new data versions (", lost.Message, StringComparison.Ordinal);
        var regained = Assert.Single(logs, e => e.Level == LogLevel.Information);
        Assert.Equal("Listening for new data versions again: reads take the version from notifications", regained.Message);
    }

    [PostgresFact]
    public async Task A_version_announced_after_a_newer_one_does_not_move_the_version_back()
    {
        var database = await server.CreateDatabaseAsync();
        await using var here = new Instance(database);
        await using var there = new StoreHarness(new PostgresEngine(database));
        await here.ListeningAsync();
        await Scores.WriteAsync(there, ("amy", 1, 0.5));
        await Scores.WriteAsync(there, ("bo", 1, 0.5));
        await Scores.WriteAsync(there, ("cy", 1, 0.5));
        var version = await VersionAsync(database);
        using var before = await Eventually.Until(() => here.GetAsync(Students), r => r.Headers.ETag?.Tag == $"\"{version}\"");

        // An old version, as a notification committed before the listener's read of the version would arrive after it.
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.ExecuteAsync("SELECT pg_notify(@channel, '1')", new { channel = DataVersionListener.Channel });
        }

        await Eventually.Until(
            () => Task.FromResult(here.ListenerLogs),
            logs => logs.Any(e => e.Level == LogLevel.Debug && e.GetStructuredStateValue("Version") == "1"));
        using var after = await here.GetAsync(Students, before.Headers.ETag);

        Assert.Equal(HttpStatusCode.NotModified, after.StatusCode);
        Assert.Equal(version, await here.Versions.CurrentAsync(CancellationToken.None));
        Assert.True(here.Versions.Listening);
    }

    private static async Task<long> VersionAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        return await connection.ExecuteScalarAsync<long>("SELECT version FROM data_version");
    }

    private static async Task TerminateListenerAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        var terminated = await connection.QueryAsync<bool>(
            """
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE datname = current_database() AND application_name = 'Gradebook listener'
            """);
        Assert.Equal([true], terminated);
    }

    /// <summary>A Gradebook host on PostgreSQL with ingestion off, its log collected, optionally on a clock of the test's.</summary>
    private sealed class Instance : IAsyncDisposable
    {
        private readonly WebApplicationFactory<Program> _factory;
        private readonly HttpClient _client;

        public Instance(string database, TimeProvider? time = null)
        {
            _factory = new GradebookFactory(new Dictionary<string, string?>
            {
                ["Storage:Provider"] = "Postgres",
                ["ConnectionStrings:Gradebook"] = database,
                ["Feed:Enabled"] = "false",
                ["Logging:LogLevel:Gradebook.Storage.DataVersionListener"] = "Debug",
            }).WithWebHostBuilder(builder => builder.ConfigureServices(services =>
            {
                services.AddFakeLogging();
                if (time is not null)
                {
                    services.AddSingleton(time);
                }
            }));
            _client = _factory.CreateClient();
        }

        public DataVersionSource Versions => _factory.Services.GetRequiredService<DataVersionSource>();

        public StoreHarness Store => StoreHarness.Of(_factory.Services);

        public IReadOnlyList<FakeLogRecord> ListenerLogs =>
            [.. _factory.Services.GetFakeLogCollector().GetSnapshot().Where(e => e.Category == typeof(DataVersionListener).FullName)];

        public Task<bool> ListeningAsync() => Eventually.Until(() => Task.FromResult(Versions.Listening), listening => listening);

        public async Task<HttpResponseMessage> GetAsync(string url, EntityTagHeaderValue? ifNoneMatch = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (ifNoneMatch is not null)
            {
                request.Headers.IfNoneMatch.Add(ifNoneMatch);
            }

            return await _client.SendAsync(request);
        }

        public async ValueTask DisposeAsync()
        {
            _client.Dispose();
            await _factory.DisposeAsync();
        }
    }
}
