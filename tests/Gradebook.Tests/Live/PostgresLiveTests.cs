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
}
