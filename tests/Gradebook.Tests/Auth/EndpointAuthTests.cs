using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Gradebook.Tests.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Gradebook.Tests.Auth;

/// <summary>Every endpoint of the app's own route table, with no credentials, wrong ones, a key without the scope and one with it.</summary>
public sealed class EndpointAuthTests(SecuredApp app) : IClassFixture<SecuredApp>
{
    /// <summary>
    /// Deliberately open: health for orchestrators, the API's description, the emulator's synthetic feed, and the
    /// dashboard's error page (which shows no data, and which a request is re-executed to past the authorization step).
    /// </summary>
    private static readonly HashSet<string> Open = ["/healthz", "/readyz", "/openapi/{documentName}.json", "/scores", "/error/{status:int}", "/signin", "/signout"];

    private static readonly string[] KnownScopes = ["scores:read", "scores:import", "operations:read", "students:admin"];

    [Fact]
    public async Task Every_endpoint_answers_401_401_403_and_passes_by_its_scope()
    {
        var endpoints = Endpoints();
        Assert.Contains(endpoints, e => e.Pattern == "/import");
        var failures = new List<string>();
        foreach (var (method, pattern, scope) in endpoints.Where(e => !Open.Contains(e.Pattern)))
        {
            var name = $"{method} {pattern}";
            if (scope is null || !KnownScopes.Contains(scope))
            {
                failures.Add($"{name}: needs no known scope (policy '{scope}'); give its group RequireAuthorization(Scopes.X) or list it as open");
                continue;
            }

            using var anonymous = await SendAsync(app.Client(), method, pattern);
            Expect(failures, name, "anonymous", anonymous, HttpStatusCode.Unauthorized);
            if (anonymous.Headers.WwwAuthenticate.Count == 0)
            {
                failures.Add($"{name}: a 401 without WWW-Authenticate");
            }

            using var wrong = await SendAsync(app.ClientWithBearer("not-a-key-anyone-was-given"), method, pattern);
            Expect(failures, name, "wrong key", wrong, HttpStatusCode.Unauthorized);

            var other = SecuredApp.KeyScopes.First(k => !k.Value.Contains(scope, StringComparison.Ordinal)).Key;
            using var withoutScope = await SendAsync(app.ClientWithKey(other), method, pattern);
            Expect(failures, name, "key without the scope", withoutScope, HttpStatusCode.Forbidden);
            var detail = await DetailAsync(withoutScope);
            if (!detail.Contains($"'{scope}'", StringComparison.Ordinal) || !detail.Contains($"'{other}'", StringComparison.Ordinal))
            {
                failures.Add($"{name}: the 403 does not name the scope and the key: {detail}");
            }

            var holder = SecuredApp.KeyScopes.First(k => k.Value == scope).Key;
            using var withScope = await SendAsync(app.ClientWithKey(holder), method, pattern);
            if (withScope.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.TooManyRequests)
            {
                failures.Add($"{name}: the key with the scope got {(int)withScope.StatusCode}");
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public async Task The_open_endpoints_answer_without_credentials()
    {
        foreach (var (method, pattern, _) in Endpoints().Where(e => Open.Contains(e.Pattern)))
        {
            using var response = await SendAsync(app.Client(), method, pattern);
            Assert.True(response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden), $"{method} {pattern}: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task The_key_is_accepted_in_the_X_Api_Key_header_too()
    {
        using var client = app.Client();
        client.DefaultRequestHeaders.Add("X-Api-Key", app.Keys["reader"]);

        using var response = await client.GetAsync(new Uri("/exams", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_401_and_a_403_are_problems_that_say_what_is_missing()
    {
        using var anonymous = await app.Client().GetAsync(new Uri("/students", UriKind.Relative));
        using var forbidden = await app.ClientWithKey("scanner-1").GetAsync(new Uri("/students", UriKind.Relative));

        Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Bearer realm=\"Gradebook\"", anonymous.Headers.WwwAuthenticate.ToString());
        Assert.Contains("needs the scope 'scores:read'", await DetailAsync(anonymous), StringComparison.Ordinal);
        Assert.Equal("application/problem+json", forbidden.Content.Headers.ContentType?.MediaType);
        Assert.Equal("This endpoint needs the scope 'scores:read'; the key 'scanner-1' does not have it.", await DetailAsync(forbidden));
    }

    [Fact]
    public async Task An_import_record_names_the_key_that_posted_it()
    {
        using var response = await PostMarkrAsync(app.ClientWithKey("scanner-1"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var importId = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("importId").GetInt64();

        Assert.Equal("scanner-1", await ImportClientAsync(app.ConnectionString, importId));
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_both_schemes_and_each_operations_scope()
    {
        var document = JsonDocument.Parse(await app.Client().GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative))).RootElement;

        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("bearer", schemes.GetProperty("bearer").GetProperty("scheme").GetString());
        Assert.Equal("X-Api-Key", schemes.GetProperty("apiKey").GetProperty("name").GetString());
        var import = document.GetProperty("paths").GetProperty("/import").GetProperty("post").GetProperty("security");
        Assert.Equal("""[{"bearer":["scores:import"]},{"apiKey":["scores:import"]}]""", JsonSerializer.Serialize(import));
        // The emulator's feed is open, and says so with an empty list rather than by saying nothing.
        Assert.Equal("[]", JsonSerializer.Serialize(document.GetProperty("paths").GetProperty("/scores").GetProperty("get").GetProperty("security")));
    }

    [Fact]
    public async Task Every_response_carries_the_security_headers()
    {
        using var refused = await app.Client().GetAsync(new Uri("/students", UriKind.Relative));
        using var missing = await app.ClientWithKey("reader").GetAsync(new Uri("/students/Nobody", UriKind.Relative));

        foreach (var response in new[] { refused, missing })
        {
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
            var policy = response.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Without_configured_origins_there_is_no_CORS()
    {
        using var client = app.ClientWithKey("reader");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/exams");
        request.Headers.Add("Origin", "https://elsewhere.example");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_student_id_of_128_escaped_characters_fits_and_an_over_long_url_is_refused()
    {
        using var client = app.ClientWithKey("reader");

        using var longId = await client.GetAsync(new Uri("/students/" + Uri.EscapeDataString(new string('€', 128)), UriKind.Relative));
        using var tooLong = await client.GetAsync(new Uri("/students/" + new string('x', 10_000), UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, longId.StatusCode);
        Assert.Equal(HttpStatusCode.RequestUriTooLong, tooLong.StatusCode);
    }

    internal static async Task<HttpResponseMessage> PostMarkrAsync(HttpClient client)
    {
        using var content = new StringContent(Markr.Example, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/xml+markr");
        return await client.PostAsync(new Uri("/import", UriKind.Relative), content);
    }

    internal static async Task<string?> ImportClientAsync(string connectionString, long importId)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT client FROM imports WHERE id = $id";
        command.Parameters.AddWithValue("$id", importId);
        return (string?)await command.ExecuteScalarAsync();
    }

    internal static async Task<string> DetailAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString() ?? "";

    private static void Expect(List<string> failures, string name, string who, HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
        {
            failures.Add($"{name}: {who} got {(int)response.StatusCode}, expected {(int)expected}");
        }
        else if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            failures.Add($"{name}: {who}'s {(int)expected} is not a problem");
        }
    }

    /// <summary>The route table as the app built it: method, pattern, and the policy (scope) it requires.</summary>
    private List<(string Method, string Pattern, string? Scope)> Endpoints() =>
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            // HEAD answers as GET does, without the body this test reads.
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Where(m => m != "HEAD").Select(m => (
                Method: m,
                Pattern: "/" + e.RoutePattern.RawText!.Trim('/'),
                Scope: e.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).LastOrDefault())))
            .Distinct()
            .ToList();

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string pattern)
    {
        var path = pattern
            .Replace("{**studentId}", "Nobody", StringComparison.Ordinal)
            .Replace("{studentId}", "Nobody", StringComparison.Ordinal)
            .Replace("{exam}", "1", StringComparison.Ordinal)
            .Replace("{exam:long}", "1", StringComparison.Ordinal)
            .Replace("{testId}", "1", StringComparison.Ordinal)
            .Replace("{documentName}", "v1", StringComparison.Ordinal)
            .Replace("{status:int}", "404", StringComparison.Ordinal);
        Assert.DoesNotContain("{", path, StringComparison.Ordinal);
        using (client)
        {
            if (method == "POST" && path == "/import")
            {
                return await PostMarkrAsync(client);
            }

            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            // Headers only from the event streams, which stream for as long as they are read.
            return await client.SendAsync(request, path is "/scores" or "/scores/live" ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead);
        }
    }
}
