using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gradebook.Tests.Support;

namespace Gradebook.Tests.Exams;

/// <summary>GET /exams, /exams/{exam} and /results/{testId}/aggregate, through real HTTP over loopback, against a real SQLite file.</summary>
public sealed class ExamApiTests(SeededApiHost api) : IClassFixture<SeededApiHost>
{
    private readonly SeededApiHost _api = api;

    [Fact]
    public async Task Lists_exams_and_shows_one_with_results_in_student_order()
    {
        var exams = await _api.Client.GetFromJsonAsync<JsonElement>("/exams");
        Assert.Equal(
            """{"items":[{"exam":10393,"studentCount":2,"average":0.7189198598243844},{"exam":10394,"studentCount":2,"average":0.55}],"next":null}""",
            exams.GetRawText());

        var exam = await _api.Client.GetFromJsonAsync<JsonElement>("/exams/10393");
        Assert.Equal(
            """{"exam":10393,"studentCount":2,"average":0.7189198598243844,"distribution":{"mean":0.7189198598243844,"stddev":0.03108014017561561,"min":0.6878397196487688,"max":0.75,"p25":0.7033797897365766,"p50":0.7189198598243844,"p75":0.7344599299121922,"count":2},"results":[{"studentId":"Beth_Cronin","score":0.6878397196487688},{"studentId":"Julia.Effertz","score":0.75}]}""",
            exam.GetRawText());

        var first = await _api.Client.GetFromJsonAsync<JsonElement>("/exams?limit=1");
        Assert.Equal("/exams?after=10393&limit=1", first.GetProperty("next").GetString());
        var second = await _api.Client.GetFromJsonAsync<JsonElement>("/exams?after=10393&limit=1");
        Assert.Equal(10394, second.GetProperty("items")[0].GetProperty("exam").GetInt64());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next").ValueKind);
    }

    [Fact]
    public async Task A_test_aggregate_is_the_exam_distribution_in_percent()
    {
        var aggregate = await _api.Client.GetFromJsonAsync<JsonElement>("/results/10393/aggregate");

        Assert.Equal(
            """{"mean":71.8919859824,"stddev":3.1080140176,"min":68.7839719649,"max":75.0,"p25":70.3379789737,"p50":71.8919859824,"p75":73.4459929912,"count":2}""",
            aggregate.GetRawText());
    }
}
