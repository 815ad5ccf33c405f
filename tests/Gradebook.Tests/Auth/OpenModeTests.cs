using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Gradebook.Tests.Support;

namespace Gradebook.Tests.Auth;

/// <summary>No authentication configured, on loopback: every request passes as the anonymous client, and CORS follows Cors:Origins.</summary>
public sealed class OpenModeTests : IAsyncLifetime
{
    private readonly ApiHost _host = new(new Dictionary<string, string?> { ["Cors:Origins"] = "https://dashboard.example" });

    public Task InitializeAsync() => _host.InitializeAsync();

    public Task DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task Every_scope_is_open_and_an_import_is_recorded_as_anonymous()
    {
        using var client = _host.Factory.CreateClient();

        using var operations = await client.GetAsync(new Uri("/ingestion", UriKind.Relative));
        using var import = await EndpointAuthTests.PostMarkrAsync(client);

        Assert.Equal(HttpStatusCode.OK, operations.StatusCode);
        Assert.Equal(HttpStatusCode.Created, import.StatusCode);
        var importId = JsonDocument.Parse(await import.Content.ReadAsStringAsync()).RootElement.GetProperty("importId").GetInt64();
        Assert.Equal("anonymous", await EndpointAuthTests.ImportClientAsync(_host.Directory.SqliteConnectionString(), importId));
    }

    [Fact]
    public async Task A_key_sent_to_an_open_Gradebook_is_still_checked()
    {
        using var client = _host.Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "a-key-this-gradebook-never-issued");

        using var response = await client.GetAsync(new Uri("/exams", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_configured_origin_is_allowed_and_another_is_not()
    {
        using var client = _host.Factory.CreateClient();

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
