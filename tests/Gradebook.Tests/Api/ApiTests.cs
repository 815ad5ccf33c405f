using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gradebook.Tests.Support;

namespace Gradebook.Tests.Api;

/// <summary>What every endpoint shares, through real HTTP over loopback: problem+json errors, the OpenAPI document, health.</summary>
public sealed class ApiTests(SeededApiHost api) : IClassFixture<SeededApiHost>
{
    private readonly SeededApiHost _api = api;

    [Theory]
    [InlineData("/students/nobody", HttpStatusCode.NotFound)]
    [InlineData("/students/beth_cronin", HttpStatusCode.NotFound)]
    [InlineData("/exams/1", HttpStatusCode.NotFound)]
    [InlineData("/exams/abc", HttpStatusCode.BadRequest)]
    [InlineData("/exams/-1", HttpStatusCode.BadRequest)]
    [InlineData("/exams/1.5", HttpStatusCode.BadRequest)]
    [InlineData("/exams/99999999999999999999", HttpStatusCode.BadRequest)]
    [InlineData("/students?limit=0", HttpStatusCode.BadRequest)]
    [InlineData("/students?limit=1001", HttpStatusCode.BadRequest)]
    [InlineData("/students?limit=abc", HttpStatusCode.BadRequest)]
    [InlineData("/students?after=", HttpStatusCode.BadRequest)]
    [InlineData("/students?after=%0A", HttpStatusCode.BadRequest)]
    [InlineData("/exams?limit=-1", HttpStatusCode.BadRequest)]
    [InlineData("/exams?after=x", HttpStatusCode.BadRequest)]
    [InlineData("/exams?after=", HttpStatusCode.BadRequest)]
    [InlineData("/students/%01", HttpStatusCode.BadRequest)]
    [InlineData("/results/1/aggregate", HttpStatusCode.NotFound)]
    [InlineData("/results/abc/aggregate", HttpStatusCode.BadRequest)]
    [InlineData("/results/-1/aggregate", HttpStatusCode.BadRequest)]
    [InlineData("/results/9007199254740992/aggregate", HttpStatusCode.BadRequest)]
    [InlineData("/no-such-thing", HttpStatusCode.NotFound)]
    public async Task Every_error_is_problem_json_with_the_right_status(string url, HttpStatusCode status)
    {
        using var response = await _api.Client.GetAsync(url);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_bad_request_says_which_parameter_is_wrong_and_why()
    {
        using var response = await _api.Client.GetAsync("/students?limit=5000");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("limit must be a whole number from 1 to 1000, got '5000'.", problem.GetProperty("errors").GetProperty("limit")[0].GetString());
    }

    [Fact]
    public async Task Serves_the_openapi_document_and_health()
    {
        var openApi = await _api.Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = openApi.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/students", paths);
        Assert.Contains("/students/{studentId}", paths);
        Assert.Contains("/exams", paths);
        Assert.Contains("/exams/{exam}", paths);
        Assert.Contains("/import", paths);
        Assert.Contains("/results/{testId}/aggregate", paths);

        using var health = await _api.Client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
