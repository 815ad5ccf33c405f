using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gradebook.Emulator;
using Gradebook.Tests.Support;

namespace Gradebook.Tests.Operations;

public sealed class MetricsEndpointTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Serves_the_documented_metrics_in_the_prometheus_text_format()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { EventsPerSecond = 0, MaxEvents = 50, Seed = 5 });
        await using var gradebook = Fed(emulator);
        using var client = gradebook.CreateClient();
        await Eventually.Until(() => client.GetFromJsonAsync<JsonElement>("/ingestion"), s => s.GetProperty("feeds")[0].GetProperty("accepted").GetInt64() == 50);

        using var response = await client.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        var metrics = await response.Content.ReadAsStringAsync();
        Assert.Contains("gradebook_feed_events{feed=\"default\",outcome=\"accepted\"} 50\n", metrics, StringComparison.Ordinal);
        Assert.Contains("gradebook_feed_batch_size_sum{feed=\"default\"} 50\n", metrics, StringComparison.Ordinal);
        Assert.Contains("gradebook_feed_pending{feed=\"default\"} 0\n", metrics, StringComparison.Ordinal);
        Assert.Contains("gradebook_feed_connected{feed=\"default\"} 1\n", metrics, StringComparison.Ordinal);
        foreach (var (name, type) in new[]
        {
            ("gradebook_feed_events", "gauge"),
            ("gradebook_feed_batch_size", "histogram"),
            ("gradebook_feed_commit_duration", "histogram"),
            ("gradebook_feed_pending", "gauge"),
            ("gradebook_feed_lag", "gauge"),
            ("gradebook_feed_connected", "gauge"),
            ("microsoft_aspnetcore_hosting_http_server_request_duration", "histogram"),
            ("process_working_set_bytes", "gauge"),
        })
        {
            Assert.Contains($"# TYPE {name} {type}\n", metrics, StringComparison.Ordinal);
        }

        Assert.Contains("http_route=\"/ingestion/\"", metrics, StringComparison.Ordinal);
        Assert.Contains("# HELP gradebook_feed_events ({event}) Feed events committed, by outcome.\n", metrics, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"# HELP [^\n]*`", metrics);
    }

    [Fact]
    public async Task Answers_openmetrics_to_a_scraper_that_asks_for_it_with_plain_help_text()
    {
        await using var gradebook = GradebookFactory.ApiOnly(_directory.SqliteConnectionString("idle.db"));
        using var client = gradebook.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Accept.ParseAdd("application/openmetrics-text; version=1.0.0");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/openmetrics-text; version=1.0.0; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        var metrics = await response.Content.ReadAsStringAsync();
        Assert.EndsWith("# EOF\n", metrics, StringComparison.Ordinal);
        Assert.Contains("# HELP gradebook_feed_connected", metrics, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"# HELP [^\n]*`", metrics);
    }

    [Fact]
    public async Task Each_host_in_a_process_reports_only_its_own_measurements()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { EventsPerSecond = 0, MaxEvents = 30, Seed = 5 });
        await using var fed = Fed(emulator);
        await using var idle = GradebookFactory.ApiOnly(_directory.SqliteConnectionString("idle.db"));
        using var fedClient = fed.CreateClient();
        using var idleClient = idle.CreateClient();
        await Eventually.Until(() => fedClient.GetFromJsonAsync<JsonElement>("/ingestion"), s => s.GetProperty("feeds")[0].GetProperty("accepted").GetInt64() == 30);

        var fedMetrics = await fedClient.GetStringAsync("/metrics");
        var idleMetrics = await idleClient.GetStringAsync("/metrics");

        Assert.Contains("gradebook_feed_events{feed=\"default\",outcome=\"accepted\"} 30\n", fedMetrics, StringComparison.Ordinal);
        Assert.Contains("gradebook_feed_events{feed=\"emulator\",outcome=\"accepted\"} 0\n", idleMetrics, StringComparison.Ordinal);
        Assert.DoesNotContain("feed=\"default\"", idleMetrics, StringComparison.Ordinal);
        Assert.DoesNotContain("http_route=\"/ingestion/\"", idleMetrics, StringComparison.Ordinal);
    }

    private GradebookFactory Fed(EmulatorServer emulator) => new(new Dictionary<string, string?>
    {
        ["ConnectionStrings:Gradebook"] = _directory.SqliteConnectionString("fed.db"),
        ["Feed:Url"] = emulator.ScoresUrl.ToString(),
    });
}
