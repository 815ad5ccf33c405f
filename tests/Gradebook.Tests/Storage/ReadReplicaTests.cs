using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gradebook.Storage;
using Gradebook.Tests.Support;
using Npgsql;

namespace Gradebook.Tests.Storage;

/// <summary>Reads from a real PostgreSQL hot standby, made with pg_basebackup -R beside the primary, while writes stay on the primary.</summary>
[Collection(PostgresServer.CollectionName)]
public sealed class ReadReplicaTests(PostgresServer server)
{
    [PostgresFact]
    public async Task Reads_from_a_hot_standby_answer_as_the_primary_does_once_it_has_caught_up_and_readyz_reports_its_lag()
    {
        var primary = await server.CreateDatabaseAsync();
        await using var standby = await server.StartStandbyAsync();
        var replica = standby.SameDatabase(primary);
        await using var host = ReadingFrom(primary, replica);
        using var client = host.CreateClient();
        await using var direct = new StoreHarness(new PostgresEngine(primary));
        await Scores.WriteAsync(direct, ("amy", 1, 0.5), ("amy", 2, 0.75), ("bo", 1, 0.25));

        // Ready once the replica has replayed the schema; it answers with the scores once it has replayed them too.
        await Eventually.Until(() => client.GetAsync("/readyz"), r => r.StatusCode == HttpStatusCode.OK);
        var page = await Eventually.Until(
            async () =>
            {
                using var response = await client.GetAsync("/students");
                return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : (JsonElement?)null;
            },
            p => p?.GetProperty("items").GetArrayLength() == 2);
        Assert.Equal(
            (await direct.ListStudentsAsync("", 10, CancellationToken.None)).Select(s => (s.StudentId, s.ExamCount, s.Average)),
            page!.Value.GetProperty("items").EnumerateArray().Select(s => (s.GetProperty("studentId").GetString()!, s.GetProperty("examCount").GetInt64(), s.GetProperty("average").GetDouble())));
        var amy = await client.GetFromJsonAsync<JsonElement>("/students/amy");
        Assert.Equal(0.625, amy.GetProperty("average").GetDouble());

        var ready = await client.GetFromJsonAsync<JsonElement>("/readyz");
        var check = ready.GetProperty("checks").GetProperty("replica");
        Assert.Equal("Healthy", check.GetProperty("status").GetString());
        Assert.Contains("lag", check.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task A_replica_further_behind_than_the_bound_makes_gradebook_not_ready()
    {
        var primary = await server.CreateDatabaseAsync();
        await using var standby = await server.StartStandbyAsync();
        var replica = standby.SameDatabase(primary);
        await using var host = ReadingFrom(primary, replica, maxLag: "00:00:00.500");
        using var client = host.CreateClient();
        await using var direct = new StoreHarness(new PostgresEngine(primary));
        await Scores.WriteAsync(direct, ("amy", 1, 0.5));
        await Eventually.Until(() => client.GetAsync("/readyz"), r => r.StatusCode == HttpStatusCode.OK);

        await using (var connection = new NpgsqlConnection(replica))
        {
            await connection.OpenAsync();
            await using var pause = new NpgsqlCommand("SELECT pg_wal_replay_pause()", connection);
            await pause.ExecuteNonQueryAsync();
        }

        await Scores.WriteAsync(direct, ("bo", 1, 0.25));
        var down = await Eventually.Until(() => client.GetAsync("/readyz"), r => r.StatusCode == HttpStatusCode.ServiceUnavailable);
        var report = await down.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Unhealthy", report.GetProperty("checks").GetProperty("replica").GetProperty("status").GetString());
        Assert.Contains("Storage:MaxReplicaLag", report.GetProperty("checks").GetProperty("replica").GetProperty("description").GetString(), StringComparison.Ordinal);
        using var stale = await client.GetAsync("/students/bo");
        Assert.Equal(HttpStatusCode.NotFound, stale.StatusCode);
    }

    /// <summary>A host that writes to <paramref name="primary"/> and reads from <paramref name="replica"/>, ingesting nothing.</summary>
    private static GradebookFactory ReadingFrom(string primary, string replica, string maxLag = "00:00:30") => new(new Dictionary<string, string?>
    {
        ["Storage:Provider"] = "Postgres",
        ["ConnectionStrings:Gradebook"] = primary,
        ["ConnectionStrings:GradebookRead"] = replica,
        ["Feed:Enabled"] = "false",
        ["Storage:MaxReplicaLag"] = maxLag,
    });
}
