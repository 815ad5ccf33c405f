using System.Net;
using System.Text.Json;
using Gradebook.Storage;
using Gradebook.Tests.Support;

namespace Gradebook.Tests.Retention;

/// <summary>The service's retention over a real SQLite file and real HTTP: a failing pass shows in /readyz and /metrics, and the next one after the fault drops and archives.</summary>
public sealed class RetentionServiceTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_pass_that_fails_shows_in_readiness_and_metrics_and_the_next_one_archives_and_drops()
    {
        var database = _directory.SqliteConnectionString();
        var old = DateTimeOffset.UtcNow.AddDays(-3);
        await using (var store = new StoreHarness(new SqliteEngine(database)))
        {
            await store.MigrateAsync(CancellationToken.None);
            await store.WriteFeedBatchAsync("f", [Scores.Event("ann", 1, 0.5) with { ReceivedAt = old }], CancellationToken.None);
            await Scores.WriteAsync(store, ("bob", 2, 0.25));
        }

        // The archive directory's path is taken by a file: no archive can be written, so nothing may be dropped.
        var archives = Path.Combine(_directory.Path, "archives");
        await File.WriteAllTextAsync(archives, "in the way");
        await using var gradebook = new GradebookFactory(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Gradebook"] = database,
            ["Feed:Enabled"] = "false",
            ["Retention:RawRecord"] = "1.00:00:00",
            ["Retention:ArchiveDirectory"] = archives,
        });
        using var client = gradebook.CreateClient();

        var failing = await Eventually.Until(() => RetentionCheckAsync(client), check => check.Status == "Degraded");
        Assert.Contains("failing since", failing.Description, StringComparison.Ordinal);
        Assert.Contains(archives, failing.Description, StringComparison.Ordinal);
        Assert.Matches("gradebook_retention_failing(_ratio)?(\\{[^}]*\\})? 1", await client.GetStringAsync(new Uri("/metrics", UriKind.Relative)));
        await using (var store = new StoreHarness(new SqliteEngine(database)))
        {
            Assert.Equal(1, await store.RawEventCountAsync("f"));
        }

        File.Delete(archives);
        var healthy = await Eventually.Until(() => RetentionCheckAsync(client), check => check.Status == "Healthy");
        Assert.Contains("raw record kept 1 days; last pass at", healthy.Description, StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(archives, "gradebook-raw-record-*.jsonl.gz"));
        await using (var store = new StoreHarness(new SqliteEngine(database)))
        {
            Assert.Equal(0, await store.RawEventCountAsync("f"));
            Assert.NotNull(await store.GetStudentAsync("ann", CancellationToken.None));
            Assert.Equal(1, await store.RawEventCountAsync("test"));
        }
    }

    private static async Task<(string Status, string Description)> RetentionCheckAsync(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/readyz", UriKind.Relative));
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, response.StatusCode.ToString());
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var check = body.RootElement.GetProperty("checks").GetProperty("retention");
        return (check.GetProperty("status").GetString()!, check.GetProperty("description").GetString()!);
    }
}
