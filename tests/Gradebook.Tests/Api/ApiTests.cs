using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gradebook.Exams;
using Gradebook.Storage;
using Gradebook.Students;
using Gradebook.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Gradebook.Tests.Api;

/// <summary>Every endpoint and error, through real HTTP over loopback, against a real SQLite file.</summary>
public sealed class ApiTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private GradebookFactory _factory = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _factory = GradebookFactory.ApiOnly(_directory.SqliteConnectionString());
        _factory.UseKestrel(0);
        _factory.StartServer();
        _client = _factory.CreateClient();
        var store = StoreHarness.Of(_factory.Services);
        await Scores.WriteAsync(
            store,
            ("Beth_Cronin", 10393, 0.6878397196487688),
            ("Beth_Cronin", 10394, 0.85),
            ("Beth_Cronin", 10393, 0.5),
            ("Julia.Effertz", 10393, 0.75),
            ("a/b c'd é", 10394, 0.25));
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task Lists_students_in_id_order_with_counts_and_averages()
    {
        var page = await _client.GetFromJsonAsync<JsonElement>("/students");

        Assert.Equal(
            """{"items":[{"studentId":"Beth_Cronin","examCount":2,"average":0.7689198598243844},{"studentId":"Julia.Effertz","examCount":1,"average":0.75},{"studentId":"a/b c'd é","examCount":1,"average":0.25}],"next":null}""",
            page.GetRawText());
    }

    [Fact]
    public async Task Student_pages_link_to_the_next_page_until_the_last()
    {
        var first = await _client.GetFromJsonAsync<JsonElement>("/students?limit=2");
        Assert.Equal(["Beth_Cronin", "Julia.Effertz"], first.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("studentId").GetString()));
        var next = first.GetProperty("next").GetString();
        Assert.Equal("/students?after=Julia.Effertz&limit=2", next);

        var second = await _client.GetFromJsonAsync<JsonElement>(next);
        Assert.Equal(["a/b c'd é"], second.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("studentId").GetString()));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next").ValueKind);
    }

    [Fact]
    public async Task Shows_one_student_with_results_in_exam_order()
    {
        var student = await _client.GetFromJsonAsync<JsonElement>("/students/Beth_Cronin");

        Assert.Equal(
            """{"studentId":"Beth_Cronin","examCount":2,"average":0.7689198598243844,"results":[{"exam":10393,"score":0.6878397196487688},{"exam":10394,"score":0.85}]}""",
            student.GetRawText());
    }

    [Fact]
    public async Task A_student_id_with_slash_space_apostrophe_and_accent_round_trips_through_the_url()
    {
        var page = await _client.GetFromJsonAsync<JsonElement>("/students?after=Julia.Effertz");
        var id = page.GetProperty("items")[0].GetProperty("studentId").GetString()!;

        var student = await _client.GetFromJsonAsync<JsonElement>("/students/" + Uri.EscapeDataString(id));
        Assert.Equal(id, student.GetProperty("studentId").GetString());
        Assert.Equal(0.25, student.GetProperty("average").GetDouble());
    }

    [Fact]
    public async Task Lists_exams_and_shows_one_with_results_in_student_order()
    {
        var exams = await _client.GetFromJsonAsync<JsonElement>("/exams");
        Assert.Equal(
            """{"items":[{"exam":10393,"studentCount":2,"average":0.7189198598243844},{"exam":10394,"studentCount":2,"average":0.55}],"next":null}""",
            exams.GetRawText());

        var exam = await _client.GetFromJsonAsync<JsonElement>("/exams/10393");
        Assert.Equal(
            """{"exam":10393,"studentCount":2,"average":0.7189198598243844,"distribution":{"mean":0.7189198598243844,"stddev":0.03108014017561561,"min":0.6878397196487688,"max":0.75,"p25":0.7033797897365766,"p50":0.7189198598243844,"p75":0.7344599299121922,"count":2},"results":[{"studentId":"Beth_Cronin","score":0.6878397196487688},{"studentId":"Julia.Effertz","score":0.75}]}""",
            exam.GetRawText());

        var first = await _client.GetFromJsonAsync<JsonElement>("/exams?limit=1");
        Assert.Equal("/exams?after=10393&limit=1", first.GetProperty("next").GetString());
        var second = await _client.GetFromJsonAsync<JsonElement>("/exams?after=10393&limit=1");
        Assert.Equal(10394, second.GetProperty("items")[0].GetProperty("exam").GetInt64());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next").ValueKind);
    }

    [Fact]
    public async Task A_test_aggregate_is_the_exam_distribution_in_percent()
    {
        var aggregate = await _client.GetFromJsonAsync<JsonElement>("/results/10393/aggregate");

        Assert.Equal(
            """{"mean":71.8919859824,"stddev":3.1080140176,"min":68.7839719649,"max":75.0,"p25":70.3379789737,"p50":71.8919859824,"p75":73.4459929912,"count":2}""",
            aggregate.GetRawText());
    }

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
        using var response = await _client.GetAsync(url);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_bad_request_says_which_parameter_is_wrong_and_why()
    {
        using var response = await _client.GetAsync("/students?limit=5000");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("limit must be a whole number from 1 to 1000, got '5000'.", problem.GetProperty("errors").GetProperty("limit")[0].GetString());
    }

    [Fact]
    public async Task An_overlong_student_id_is_a_bad_request()
    {
        using var response = await _client.GetAsync("/students/" + new string('x', 5000));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Serves_the_openapi_document_and_health()
    {
        var openApi = await _client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = openApi.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/students", paths);
        Assert.Contains("/students/{studentId}", paths);
        Assert.Contains("/exams", paths);
        Assert.Contains("/exams/{exam}", paths);
        Assert.Contains("/import", paths);
        Assert.Contains("/results/{testId}/aggregate", paths);

        using var health = await _client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
