using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gradebook.Emulator;
using Gradebook.Storage;
using Gradebook.Tests.Support;
using Npgsql;

namespace Gradebook.Tests.Fleet;

/// <summary>
/// Real Gradebook processes on one real PostgreSQL database, reading real feeds over loopback: each feed has one
/// owner; when the owner is killed, stopped, cut off by the server, frozen, or cut off from the database, another takes
/// over, and every event ends up recorded once.
/// </summary>
[Collection(PostgresServer.CollectionName)]
public sealed class FleetTests(PostgresServer server) : IDisposable
{
    private readonly List<GradebookProcess> _processes = [];

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            process.Dispose();
        }
    }

    [PostgresFact]
    public async Task Three_instances_two_feeds_one_owner_each_and_a_killed_owner_is_replaced_without_loss_or_doubling()
    {
        var (feeds, emulators) = await FeedsAsync(2);
        await using var _ = emulators;
        var database = await server.CreateDatabaseAsync();
        var instances = Ids("a", "b", "c").ToDictionary(id => id, id => Start(id, database, feeds));

        // The first instance up may take both feeds before the others are seen; the fleet then gives one away.
        var owners = await OwnersAsync(instances.Values.First(), o => o.Values.All(v => v is not null) && o.Values.Distinct().Count() == 2);

        // Kill the owner of feed-0 once it is well into its feed, without a chance to clean up.
        await ProgressAsync(database, "feed-0", 2_000);
        var victim = owners["feed-0"]!;
        await instances[victim].Process.KillAsync();

        var survivor = instances.First(i => i.Key != victim).Value;
        var after = await OwnersAsync(survivor, o => o["feed-0"] is { } owner && owner != victim);
        Assert.NotEqual(victim, after["feed-0"]);
        await LoggedAsync(instances[after["feed-0"]!], "Took over feed feed-0 from " + victim);
        await AssertExactAsync(database, feeds);
    }

    [PostgresFact]
    public async Task An_owner_whose_session_the_server_ends_commits_nothing_more_and_another_instance_continues()
    {
        var (feeds, emulators) = await FeedsAsync(1);
        await using var _ = emulators;
        var database = await server.CreateDatabaseAsync();
        var instances = Ids("a", "b").ToDictionary(id => id, id => Start(id, database, feeds));
        var owner = (await OwnersAsync(instances["a"], o => o["feed-0"] is not null))["feed-0"]!;
        await ProgressAsync(database, "feed-0", 2_000);

        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var terminate = new NpgsqlCommand(
                """
                SELECT pg_terminate_backend(pid) FROM pg_locks
                WHERE locktype = 'advisory' AND objsubid = 1 AND granted
                  AND classid::bigint = (@key >> 32) & 4294967295 AND objid::bigint = @key & 4294967295
                """,
                connection);
            terminate.Parameters.AddWithValue("key", PostgresFeedLease.Key("feed-0"));
            Assert.Equal(true, await terminate.ExecuteScalarAsync());
        }

        await AssertExactAsync(database, feeds);
        await LoggedAsync(instances[owner], "Lost the lease of feed feed-0");
    }

    [PostgresFact]
    public async Task A_stopped_owner_drains_releases_and_a_standby_continues_without_a_gap()
    {
        var (feeds, emulators) = await FeedsAsync(1);
        await using var _ = emulators;
        var database = await server.CreateDatabaseAsync();
        var instances = Ids("a", "b").ToDictionary(id => id, id => Start(id, database, feeds));
        var owner = (await OwnersAsync(instances["a"], o => o["feed-0"] is not null))["feed-0"]!;
        await ProgressAsync(database, "feed-0", 2_000);

        Assert.Equal(0, await instances[owner].Process.TerminateAsync(TimeSpan.FromSeconds(60)));

        Assert.Contains("Released feed feed-0", instances[owner].Process.Output, StringComparison.Ordinal);
        var standby = instances.Single(i => i.Key != owner);
        Assert.Equal(standby.Key, (await OwnersAsync(standby.Value, o => o["feed-0"] is not null))["feed-0"]);
        await LoggedAsync(standby.Value, "Took feed feed-0", instances[owner]);
        await AssertExactAsync(database, feeds);
    }

    [PostgresFact]
    public async Task A_joining_instance_gets_its_share_and_no_feed_has_a_gap_or_a_duplicate()
    {
        var (feeds, emulators) = await FeedsAsync(4);
        await using var _ = emulators;
        var database = await server.CreateDatabaseAsync();
        var instances = Ids("a", "b", "c").ToDictionary(id => id, id => Start(id, database, feeds));
        await FleetAsync(instances["a"], f => f.Count == 3 && f.Values.Sum(v => v.Count) == 4);
        await ProgressAsync(database, "feed-0", 1_000);

        instances["d"] = Start("d", database, feeds);

        var fleet = await FleetAsync(instances["a"], f => f.Count == 4 && f.Values.All(v => v.Count == 1));
        Assert.Equal(feeds.Select(f => f.Name).Order(StringComparer.Ordinal), fleet.Values.SelectMany(v => v).Order(StringComparer.Ordinal));
        await Eventually.Until(
            () => Task.FromResult(string.Concat(instances.Values.Select(i => i.Process.Output))),
            output => output.Contains("Giving feed", StringComparison.Ordinal));
        await AssertExactAsync(database, feeds);
    }

    [PostgresFact]
    public Task Two_instances_a_frozen_owner_is_replaced_and_once_resumed_commits_nothing_more_and_stands_by() =>
        FrozenOwnerIsReplacedAsync("a", "b");

    [PostgresFact]
    public Task Three_instances_a_frozen_owner_is_replaced_and_once_resumed_commits_nothing_more_and_stands_by() =>
        FrozenOwnerIsReplacedAsync("a", "b", "c");

    [PostgresFact]
    public async Task An_owner_cut_off_from_the_database_is_replaced_and_once_reconnected_commits_nothing_more_and_stands_by()
    {
        var (feeds, emulators) = await FeedsAsync(1, eventsPerSecond: 500, events: 6_000);
        await using var _ = emulators;
        var database = await server.CreateDatabaseAsync();
        await using var partition = TcpBlackhole.Start(new NpgsqlConnectionStringBuilder(database).Port);
        var cutOff = Start("a", new NpgsqlConnectionStringBuilder(database) { Port = partition.Port }.ToString(), feeds);
        await OwnersAsync(cutOff, o => o["feed-0"] == "a");
        var standby = Start("b", database, feeds);
        await FleetAsync(standby, f => f.ContainsKey("b"));
        await ProgressAsync(database, "feed-0", 1_000);

        // Every connection of the owner, its lease's included, stays open at both ends and carries nothing.
        partition.Cut();
        Assert.Equal("b", await TakenOverAsync(database, "feed-0", "a"));
        partition.Heal();

        await AssertStandsByHavingCommittedNothingMoreAsync(cutOff, standby, "feed-0");
        await AssertExactAsync(database, feeds);
        Assert.Contains("Ended the session holding the lease of feed feed-0", standby.Process.Output, StringComparison.Ordinal);
        AssertSaidOnce(cutOff, "Lost the lease of feed feed-0");
    }

    /// <summary>
    /// SIGSTOP of the owner mid-feed: its session, and with it the lease, stays open on the server's side, so a standby
    /// ends it and takes over; SIGCONT then finds the lease gone at the woken owner's next commit.
    /// </summary>
    private async Task FrozenOwnerIsReplacedAsync(params string[] ids)
    {
        var (feeds, emulators) = await FeedsAsync(1, eventsPerSecond: 500, events: 6_000);
        await using var _ = emulators;
        var database = await server.CreateDatabaseAsync();
        var instances = ids.ToDictionary(id => id, id => Start(id, database, feeds));
        await FleetAsync(instances[ids[0]], f => f.Count == ids.Length);
        var owner = (await OwnersAsync(instances[ids[0]], o => o["feed-0"] is not null))["feed-0"]!;
        await ProgressAsync(database, "feed-0", 1_000);

        await instances[owner].Process.FreezeAsync();
        var successor = await TakenOverAsync(database, "feed-0", owner);
        await instances[owner].Process.ResumeAsync();

        await AssertStandsByHavingCommittedNothingMoreAsync(instances[owner], instances[successor], "feed-0");
        await AssertExactAsync(database, feeds);
        await LoggedAsync(instances[successor], "Took over feed feed-0 from " + owner);
        Assert.Contains(
            instances.Where(i => i.Key != owner),
            i => i.Value.Process.Output.Contains("Ended the session holding the lease of feed feed-0", StringComparison.Ordinal));
        AssertSaidOnce(instances[owner], "Lost the lease of feed feed-0");
        Assert.False(instances[owner].Process.HasExited);
    }

    /// <summary>
    /// Waits until an instance other than <paramref name="from"/> has recorded itself as the feed's owner, within a
    /// generous bound (the hand-over time itself is measured by the fleet benchmark), and returns it.
    /// </summary>
    private static async Task<string> TakenOverAsync(string database, string feed, string from)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        return (await Eventually.Until(
            async () =>
            {
                await using var command = new NpgsqlCommand("SELECT owner FROM feeds WHERE source = @source", connection);
                command.Parameters.AddWithValue("source", feed);
                return await command.ExecuteScalarAsync() as string;
            },
            owner => owner is not null && owner != from,
            TimeSpan.FromSeconds(60)))!;
    }

    /// <summary>
    /// The replaced owner, running again, finds its lease gone at its next commit, says so, and stands by: the last event
    /// it committed is the one its successor resumed after, so it committed nothing once the successor held the feed.
    /// </summary>
    private static async Task AssertStandsByHavingCommittedNothingMoreAsync(Instance replaced, Instance successor, string feed)
    {
        var lost = Regex.Match(
            await LoggedAsync(replaced, $"Lost the lease of feed {feed}", successor),
            $@"Lost the lease of feed {Regex.Escape(feed)}: stopped at once, last committed event (\S+);");
        var resumed = Regex.Matches(
            await LoggedAsync(successor, $"Ingesting feed {feed} from "),
            $@"Ingesting feed {Regex.Escape(feed)} from \S+, resuming after event (\S+)");
        Assert.True(lost.Success, replaced.Process.Output);
        Assert.NotEmpty(resumed);
        Assert.Equal(resumed[^1].Groups[1].Value, lost.Groups[1].Value);

        await Eventually.Until(
            async () => (await TryGetAsync(replaced, "/ingestion"))?.GetProperty("feeds").EnumerateArray()
                .Single(f => f.GetProperty("name").GetString() == feed).GetProperty("state").GetString(),
            state => state == "standby",
            TimeSpan.FromSeconds(60));
    }

    private static void AssertSaidOnce(Instance instance, string text)
    {
        var output = instance.Process.Output;
        Assert.True(Regex.Count(output, Regex.Escape(text)) == 1, $"'{text}' should be logged once:\n{output}");
    }

    private sealed record Instance(GradebookProcess Process, HttpClient Http);

    private sealed record TestFeed(string Name, EmulatorOptions Options, Uri Url);

    private sealed class Emulators(List<EmulatorServer> servers) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }
        }
    }

    /// <summary>Feeds over one pool of students, each a few seconds long at its rate, so hand-overs happen mid-feed.</summary>
    private static async Task<(List<TestFeed> Feeds, Emulators Servers)> FeedsAsync(int count, int eventsPerSecond = 1_500, int events = 8_000)
    {
        var feeds = new List<TestFeed>();
        var servers = new List<EmulatorServer>();
        for (var i = 0; i < count; i++)
        {
            var options = new EmulatorOptions { EventsPerSecond = eventsPerSecond, Students = 300, MaxEvents = events, Seed = 40 + i, MinBurst = 20, MaxBurst = 200 };
            var emulator = await EmulatorServer.StartAsync(options);
            servers.Add(emulator);
            feeds.Add(new TestFeed($"feed-{i}", options, emulator.ScoresUrl));
        }

        return (feeds, new Emulators(servers));
    }

    private Instance Start(string id, string database, IEnumerable<TestFeed> feeds)
    {
        var port = Ports.Free();
        var environment = new Dictionary<string, string>
        {
            ["Storage__Provider"] = "Postgres",
            ["ConnectionStrings__Gradebook"] = database,
            ["URLS"] = $"http://127.0.0.1:{port}",
            ["Fleet__InstanceId"] = id,
            ["Fleet__HeartbeatInterval"] = "00:00:00.200",
            ["Fleet__InstanceTimeout"] = "00:00:02",
            ["Feed__BatchSize"] = "500",
        };
        foreach (var feed in feeds)
        {
            environment[$"Feeds__{feed.Name}__Url"] = feed.Url.ToString();
        }

        var process = GradebookProcess.Start(environment);
        _processes.Add(process);
        return new Instance(process, new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") });
    }

    /// <summary>Each feed's owner as <c>/ingestion</c> on <paramref name="instance"/> reports it, once <paramref name="done"/> holds.</summary>
    private static Task<Dictionary<string, string?>> OwnersAsync(Instance instance, Func<Dictionary<string, string?>, bool> done) =>
        Eventually.Until(
            async () =>
            {
                var report = await TryGetAsync(instance, "/ingestion");
                return report?.GetProperty("feeds").EnumerateArray()
                    .ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("owner").GetString()) ?? [];
            },
            o => o.Count > 0 && done(o));

    /// <summary>The feeds each live instance owns, as <c>/fleet</c> reports it, once <paramref name="done"/> holds.</summary>
    private static Task<Dictionary<string, List<string>>> FleetAsync(
        Instance instance, Func<Dictionary<string, List<string>>, bool> done) =>
        Eventually.Until(
            async () =>
            {
                var report = await TryGetAsync(instance, "/fleet");
                return report?.GetProperty("instances").EnumerateArray().ToDictionary(
                    i => i.GetProperty("id").GetString()!,
                    i => i.GetProperty("feeds").EnumerateArray().Select(f => f.GetString()!).ToList()) ?? [];
            },
            done);

    /// <summary>Waits for a line in the instance's log (the console logger writes from a queue of its own).</summary>
    private static async Task<string> LoggedAsync(Instance instance, string text, Instance? other = null)
    {
        try
        {
            return await Eventually.Until(() => Task.FromResult(instance.Process.Output), output => output.Contains(text, StringComparison.Ordinal));
        }
        catch (TimeoutException e) when (other is not null)
        {
            throw new TimeoutException($"{e.Message}\nThe other instance's log:\n{other.Process.Output}", e);
        }
    }

    private static async Task<JsonElement?> TryGetAsync(Instance instance, string path)
    {
        try
        {
            return await instance.Http.GetFromJsonAsync<JsonElement>(path);
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static async Task ProgressAsync(string database, string feed, long events)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await Eventually.Until(
            async () =>
            {
                await using var command = new NpgsqlCommand("SELECT COALESCE((SELECT received FROM feeds WHERE source = @source), 0)", connection);
                command.Parameters.AddWithValue("source", feed);
                return (long)(await command.ExecuteScalarAsync())!;
            },
            received => received >= events);
    }

    /// <summary>
    /// Once every feed is committed to its end: each event of each feed is in the raw record exactly once and counted
    /// once, and the results are exactly the highest score per student and exam over all the feeds.
    /// </summary>
    private static async Task AssertExactAsync(string database, IReadOnlyList<TestFeed> feeds)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        foreach (var feed in feeds)
        {
            var last = feed.Options.MaxEvents.ToString(CultureInfo.InvariantCulture);
            await Eventually.Until(
                async () =>
                {
                    await using var cursor = new NpgsqlCommand("SELECT last_event_id FROM feeds WHERE source = @source", connection);
                    cursor.Parameters.AddWithValue("source", feed.Name);
                    return await cursor.ExecuteScalarAsync() as string;
                },
                id => id == last);

            await using var counts = new NpgsqlCommand(
                """
                SELECT (SELECT count(*) FROM raw_events WHERE source = @source),
                       (SELECT count(DISTINCT event_id) FROM raw_events WHERE source = @source),
                       received, accepted + rejected + ignored
                FROM feeds WHERE source = @source
                """,
                connection);
            counts.Parameters.AddWithValue("source", feed.Name);
            await using var reader = await counts.ExecuteReaderAsync();
            await reader.ReadAsync();
            long expected = feed.Options.MaxEvents;
            Assert.Equal((expected, expected, expected, expected), (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)));
        }

        var want = feeds.SelectMany(f => ScoreSequence.All(f.Options))
            .GroupBy(e => (e.StudentId, e.Exam))
            .Select(g => (g.Key.StudentId, g.Key.Exam, Score: g.Max(e => e.Score)))
            .OrderBy(r => r.Exam).ThenBy(r => r.StudentId, StringComparer.Ordinal)
            .ToList();
        var have = new List<(string, long, double)>();
        await using (var results = new NpgsqlCommand("SELECT s.student_id, r.exam, r.score FROM results AS r JOIN students AS s ON s.student_no = r.student_no ORDER BY r.exam, s.student_id", connection))
        await using (var reader = await results.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                have.Add((reader.GetString(0), reader.GetInt64(1), reader.GetDouble(2)));
            }
        }

        Assert.Equal(want, have);
    }

    private static string[] Ids(params string[] ids) => ids;

}
