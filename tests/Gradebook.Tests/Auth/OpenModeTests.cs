using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Gradebook.Tests.Support;

namespace Gradebook.Tests.Auth;

/// <summary>No authentication configured, on loopback: every request passes as the anonymous client, and CORS follows Cors:Origins.</summary>
public sealed class OpenModeTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private GradebookFactory _factory = null!;

    public Task InitializeAsync()
    {
        _factory = new GradebookFactory(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Gradebook"] = _directory.SqliteConnectionString(),
            ["Feed:Enabled"] = "false",
            ["Cors:Origins"] = "https://dashboard.example",
        });
        _factory.UseKestrel(0);
        _factory.StartServer();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task Every_scope_is_open_and_an_import_is_recorded_as_anonymous()
    {
        using var client = _factory.CreateClient();

        using var operations = await client.GetAsync(new Uri("/ingestion", UriKind.Relative));
        using var import = await EndpointAuthTests.PostMarkrAsync(client);

        Assert.Equal(HttpStatusCode.OK, operations.StatusCode);
        Assert.Equal(HttpStatusCode.Created, import.StatusCode);
        var importId = JsonDocument.Parse(await import.Content.ReadAsStringAsync()).RootElement.GetProperty("importId").GetInt64();
        Assert.Equal("anonymous", await EndpointAuthTests.ImportClientAsync(_directory.SqliteConnectionString(), importId));
    }

    [Fact]
    public async Task A_key_sent_to_an_open_Gradebook_is_still_checked()
    {
        using var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "a-key-this-gradebook-never-issued");

        using var response = await client.GetAsync(new Uri("/exams", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_configured_origin_is_allowed_and_another_is_not()
    {
        using var client = _factory.CreateClient();

        var allowed = await PreflightAsync(client, "https://dashboard.example");
        var other = await PreflightAsync(client, "https://elsewhere.example");

        Assert.Equal("https://dashboard.example", allowed);
        Assert.Null(other);
    }

    private static async Task<string?> PreflightAsync(HttpClient client, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/exams");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "GET");
        request.Headers.Add("Access-Control-Request-Headers", "authorization");
        using var response = await client.SendAsync(request);
        return response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) ? values.Single() : null;
    }
}
