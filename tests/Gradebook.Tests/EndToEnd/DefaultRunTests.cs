using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Gradebook.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Gradebook.Tests.EndToEnd;

/// <summary>The default run (the embedded emulator and a SQLite file) as a user runs it: started, stopped, started again.</summary>
public sealed class DefaultRunTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Stopping_and_starting_the_default_run_twice_stores_each_event_once()
    {
        long received = 0;
        for (var run = 0; run < 2; run++)
        {
            var port = Ports.Free();
            using var process = GradebookProcess.Start(new Dictionary<string, string>
            {
                ["ConnectionStrings__Gradebook"] = _directory.SqliteConnectionString(),
                ["URLS"] = $"http://127.0.0.1:{port}",
            });
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var before = received;
            var ingestion = await Eventually.Until(() => IngestionAsync(http), i => i?.GetProperty("received").GetInt64() >= before + 500);
            received = ingestion!.Value.GetProperty("received").GetInt64();

            Assert.Equal(0, await process.TerminateAsync(TimeSpan.FromSeconds(60)));
            Assert.Matches("Stopped ingesting feed emulator; .*; 0 events left uncommitted", process.Output);
            Assert.DoesNotContain("   at ", process.Output, StringComparison.Ordinal);

            // The embedded feed ends with the host: stopping neither waits for it nor reconnects to it.
            var stopping = process.Output[process.Output.IndexOf("Application is shutting down", StringComparison.Ordinal)..];
            Assert.DoesNotContain(" disconnected ", stopping, StringComparison.Ordinal);
        }

        await using var connection = new SqliteConnection(_directory.SqliteConnectionString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*), COUNT(DISTINCT event_id), MAX(CAST(event_id AS INTEGER)), (SELECT accepted + rejected + ignored FROM feeds) FROM raw_events";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        var (rows, distinct, last, counted) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
        Assert.Equal(rows, distinct);
        Assert.Equal(rows, last);
        Assert.Equal(rows, counted);
        Assert.True(rows >= received, $"{rows} rows, {received} received before the last stop");

        // A third run whose feed ends where the database does: /ingestion then reports exactly what is stored.
        var lastPort = Ports.Free();
        using var third = GradebookProcess.Start(new Dictionary<string, string>
        {
            ["ConnectionStrings__Gradebook"] = _directory.SqliteConnectionString(),
            ["URLS"] = $"http://127.0.0.1:{lastPort}",
            ["Emulator__MaxEvents"] = rows.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        using var lastHttp = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{lastPort}") };
        var reported = (await Eventually.Until(() => IngestionAsync(lastHttp), i => i?.GetProperty("state").GetString() == "connected"))!.Value;
        Assert.Equal(rows, reported.GetProperty("received").GetInt64());
        Assert.Equal(rows, reported.GetProperty("accepted").GetInt64());
        Assert.Equal(rows.ToString(System.Globalization.CultureInfo.InvariantCulture), reported.GetProperty("lastCommittedEventId").GetString());
    }

    private static async Task<JsonElement?> IngestionAsync(HttpClient http)
    {
        try
        {
            return (await http.GetFromJsonAsync<JsonElement>("/ingestion")).GetProperty("feeds")[0];
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

}
