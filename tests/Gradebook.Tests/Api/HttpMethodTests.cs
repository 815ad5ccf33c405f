using System.Net;
using System.Text.RegularExpressions;
using Gradebook.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Gradebook.Tests.Api;

/// <summary>HEAD wherever GET is answered, and the health checks answer nothing else, over a real Kestrel.</summary>
public sealed class HttpMethodTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private GradebookFactory _factory = null!;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _factory = GradebookFactory.ApiOnly(_directory.SqliteConnectionString());
        _factory.UseKestrel(0);
        _factory.StartServer();
        _client = _factory.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        _directory.Dispose();
    }

    /// <summary>Every route that answers GET, from the app's own route table, with its parameters filled in.</summary>
    private List<(string Pattern, string Path)> GetRoutes() =>
        [.. _factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains(HttpMethods.Get) == true)
            .Select(e => e.RoutePattern.RawText!)
            .Distinct()
            .Select(pattern => (pattern, "/" + Regex.Replace(pattern.Trim('/'), @"\{\**(\w+)[^}]*\}", m => m.Groups[1].Value == "documentName" ? "v1" : "1")))];

    [Fact]
    public void The_route_table_has_the_get_endpoints_the_readme_lists()
    {
        var patterns = GetRoutes().Select(r => r.Path).ToList();
        Assert.Superset(
            new HashSet<string> { "/students", "/students/1", "/exams", "/exams/1", "/ingestion", "/ingestion/rejections", "/healthz", "/readyz", "/metrics", "/openapi/v1.json", "/scores" },
            patterns.ToHashSet());
    }

    [Fact]
    public async Task Every_get_endpoint_answers_head_with_the_same_status_and_no_body()
    {
        foreach (var (pattern, path) in GetRoutes())
        {
            using var get = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Get, path), HttpCompletionOption.ResponseHeadersRead);
            using var head = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));

            Assert.True(get.StatusCode == head.StatusCode, $"{pattern}: GET {get.StatusCode}, HEAD {head.StatusCode}");
            Assert.Equal(get.Content.Headers.ContentType?.MediaType, head.Content.Headers.ContentType?.MediaType);
            Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        }
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    public async Task Health_checks_answer_only_get_and_head(string path)
    {
        Assert.NotEqual(HttpStatusCode.MethodNotAllowed, (await _client.GetAsync(path)).StatusCode);
        Assert.NotEqual(HttpStatusCode.MethodNotAllowed, (await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path))).StatusCode);
        foreach (var method in new[] { HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete })
        {
            using var response = await _client.SendAsync(new HttpRequestMessage(method, path));
            Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        }
    }
}
