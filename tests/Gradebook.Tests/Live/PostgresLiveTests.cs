using Gradebook.Tests.Support;

namespace Gradebook.Tests.Live;

/// <summary>GET /scores/live with several instances on one PostgreSQL database.</summary>
[Collection(PostgresServer.CollectionName)]
public sealed class PostgresLiveTests(PostgresServer server)
{
    [PostgresFact]
    public async Task A_client_of_one_instance_sees_the_changes_another_instance_commits()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Postgres",
            ["ConnectionStrings:Gradebook"] = await server.CreateDatabaseAsync(),
            ["Live:PollInterval"] = "00:00:00.020",
        };
        await using var writer = new ApiHost(settings);
        await using var reader = new ApiHost(settings);
        await writer.InitializeAsync();
        await reader.InitializeAsync();

        await using var live = await LiveClient.ConnectAsync(reader.Client);
        await Scores.WriteAsync(writer.Store, ("amy", 5, 0.5));
        await Scores.WriteAsync(writer.Store, ("bob", 5, 0.25), ("amy", 6, 1.0));

        Assert.Equal(
            [("amy", 5L, 0.5), ("bob", 5L, 0.25), ("amy", 6L, 1.0)],
            (await live.ReadAsync(3)).Select(e => (e.StudentId, e.Exam, e.Score)));
    }

    [PostgresFact]
    public async Task Concurrent_writers_never_make_a_reader_skip_a_change()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Postgres",
            ["ConnectionStrings:Gradebook"] = await server.CreateDatabaseAsync(),
            ["Live:PollInterval"] = "00:00:00.010",
        };
        await using var api = new ApiHost(settings);
        await api.InitializeAsync();
        await using var live = await LiveClient.ConnectAsync(api.Client);

        // Four writers of different students at once, so their transactions overlap and commit in any order.
        const int Writers = 4, Batches = 25, PerBatch = 20;
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var b = 0; b < Batches; b++)
            {
                await Scores.WriteAsync(api.Store, [.. Enumerable.Range(0, PerBatch).Select(i => ($"w{w}-s{i}", (long)b, 0.5))]);
            }
        })));

        var events = await live.ReadAsync(Writers * Batches * PerBatch);
        Assert.Equal(Writers * Batches * PerBatch, events.Select(e => (e.StudentId, e.Exam)).Distinct().Count());
        Assert.Equal(events.Select(e => e.Id).Order(), events.Select(e => e.Id));
    }

    [PostgresFact]
    public async Task An_instance_forgets_the_live_changes_of_a_student_another_instance_erased()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Postgres",
            ["ConnectionStrings:Gradebook"] = await server.CreateDatabaseAsync(),
            ["Live:PollInterval"] = "00:00:00.020",
            ["Live:HeartbeatInterval"] = "00:00:01",
        };
        await using var eraser = new ApiHost(settings);
        await using var reader = new ApiHost(settings);
        await eraser.InitializeAsync();
        await reader.InitializeAsync();

        // A client of the reader keeps its window of changes alive, holding the student's change.
        await using var watching = await LiveClient.ConnectAsync(reader.Client, "?exam=77");
        await Scores.WriteAsync(eraser.Store, ("pia", 77, 0.5));
        await Scores.WriteAsync(eraser.Store, ("olaf", 77, 0.25));
        var seen = await watching.ReadAsync(2);
        Assert.Equal(["pia", "olaf"], seen.Select(e => e.StudentId));

        using var erased = await eraser.Client.DeleteAsync(new Uri("/students/pia", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.OK, erased.StatusCode);

        // The reader's read that takes the first of these may have begun before the erasure; any read after it sees the
        // erasure: once the watching client has the second, the reader has read the log since the erasure.
        await Scores.WriteAsync(eraser.Store, ("olga", 77, 0.75));
        Assert.Equal(["olga"], (await watching.ReadAsync(1)).Select(e => e.StudentId));
        await Scores.WriteAsync(eraser.Store, ("otto", 77, 1.0));
        Assert.Equal(["otto"], (await watching.ReadAsync(1)).Select(e => e.StudentId));

        await using var resumed = await LiveClient.ConnectAsync(reader.Client, "?exam=77", lastEventId: seen[0].Id - 1);
        Assert.Equal(["olaf", "olga", "otto"], (await resumed.ReadAsync(3)).Select(e => e.StudentId));
    }
}
