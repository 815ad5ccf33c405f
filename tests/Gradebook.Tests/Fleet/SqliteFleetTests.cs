using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gradebook.Emulator;
using Gradebook.Feed;
using Gradebook.Ingestion;
using Gradebook.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Gradebook.Tests.Fleet;

/// <summary>Two processes on one SQLite file: one ingests, the other stands by, and takes over when the first is killed.</summary>
public sealed class SqliteFleetTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_second_process_on_the_same_file_stands_by_and_takes_over_when_the_first_is_killed()
    {
        var options = new EmulatorOptions { EventsPerSecond = 1_500, Students = 200, MaxEvents = 6_000, Seed = 9 };
        await using var emulator = await EmulatorServer.StartAsync(options);
        using var pair = await StartOwnerThenStandbyAsync(emulator);
        var (first, firstHttp, _, secondHttp) = pair;
        var standing = await Eventually.Until(() => IngestionAsync(secondHttp), i => i is not null);
        Assert.Equal("standby", standing!.Value.GetProperty("state").GetString());
        Assert.Equal("first", standing.Value.GetProperty("owner").GetString());
        await first.KillAsync();

        await OwnerAsync(secondHttp, "second");
        await using var connection = new SqliteConnection(_directory.SqliteConnectionString());
        await connection.OpenAsync();
        await using var counts = connection.CreateCommand();
        counts.CommandText = "SELECT last_event_id, received, (SELECT count(*) FROM raw_events), (SELECT count(DISTINCT event_id) FROM raw_events) FROM feeds";
        await Eventually.Until(
            async () =>
            {
                await using var reader = await counts.ExecuteReaderAsync();
                await reader.ReadAsync();
                return (reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
            },
            c => c == ("6000", 6_000L, 6_000L, 6_000L));
    }

    [Fact]
    public async Task A_frozen_owner_keeps_its_lock_file_the_standby_says_so_once_and_the_owner_runs_on_when_resumed()
    {
        var options = new EmulatorOptions { EventsPerSecond = 1_500, Students = 200, MaxEvents = 3_000, Seed = 11 };
        await using var emulator = await EmulatorServer.StartAsync(options);
        using var pair = await StartOwnerThenStandbyAsync(emulator);
        var (first, firstHttp, second, secondHttp) = pair;
        await Eventually.Until(() => IngestionAsync(secondHttp), i => i?.GetProperty("state").GetString() == "standby", TimeSpan.FromSeconds(60));

        // Frozen once its feed is committed, so no write transaction of its own holds the database meanwhile.
        await Eventually.Until(() => IngestionAsync(firstHttp), i => i?.GetProperty("received").GetInt64() == 3_000, TimeSpan.FromMinutes(1));
        await first.FreezeAsync();
        const string said = "Feed default is held by first, which has not said it is alive";
        await Eventually.Until(() => Task.FromResult(second.Output), o => o.Contains(said, StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        Assert.Equal("standby", (await IngestionAsync(secondHttp))!.Value.GetProperty("state").GetString());
        await first.ResumeAsync();

        await OwnerAsync(secondHttp, "first");
        Assert.Equal(1, Regex.Count(second.Output, said));
        Assert.Equal("connected", (await IngestionAsync(firstHttp))!.Value.GetProperty("state").GetString());
    }

    /// <summary>Starts instance "first", waits until it owns the feed, then starts "second" beside it.</summary>
    private async Task<Pair> StartOwnerThenStandbyAsync(EmulatorServer emulator)
    {
        var (first, firstHttp) = Start("first", emulator);
        try
        {
            await OwnerAsync(firstHttp, "first");
        }
        catch
        {
            firstHttp.Dispose();
            first.Dispose();
            throw;
        }

        var (second, secondHttp) = Start("second", emulator);
        return new Pair(first, firstHttp, second, secondHttp);
    }

    private (GradebookProcess Process, HttpClient Http) Start(string id, EmulatorServer emulator)
    {
        var port = Ports.Free();
        var process = GradebookProcess.Start(new Dictionary<string, string>
        {
            ["ConnectionStrings__Gradebook"] = _directory.SqliteConnectionString(),
            ["URLS"] = $"http://127.0.0.1:{port}",
            ["Feed__Url"] = emulator.ScoresUrl.ToString(),
            ["Fleet__InstanceId"] = id,
            ["Fleet__HeartbeatInterval"] = "00:00:00.200",
            ["Fleet__InstanceTimeout"] = "00:00:02",
        });
        return (process, new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") });
    }

    private static Task<JsonElement?> OwnerAsync(HttpClient http, string owner) =>
        Eventually.Until(() => IngestionAsync(http), i => i?.GetProperty("owner").GetString() == owner);

    private static async Task<JsonElement?> IngestionAsync(HttpClient http)
    {
        try
        {
            var report = await http.GetFromJsonAsync<JsonElement>("/ingestion");
            return report.GetProperty("feeds").EnumerateArray().Single(f => f.GetProperty("name").GetString() == FeedCatalog.ShorthandName);
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private sealed record Pair(GradebookProcess First, HttpClient FirstHttp, GradebookProcess Second, HttpClient SecondHttp) : IDisposable
    {
        public void Dispose()
        {
            SecondHttp.Dispose();
            Second.Dispose();
            FirstHttp.Dispose();
            First.Dispose();
        }
    }
}
