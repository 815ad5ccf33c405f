using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gradebook.Tests.Support;

namespace Gradebook.Tests.Students;

/// <summary>GET /students and /students/{id}, through real HTTP over loopback, against a real SQLite file.</summary>
public sealed class StudentApiTests(SeededApiHost api) : IClassFixture<SeededApiHost>
{
    private readonly SeededApiHost _api = api;

    [Fact]
    public async Task Lists_students_in_id_order_with_counts_and_averages()
    {
        var page = await _api.Client.GetFromJsonAsync<JsonElement>("/students");

        Assert.Equal(
            """{"items":[{"studentId":"Beth_Cronin","examCount":2,"average":0.7689198598243844},{"studentId":"Julia.Effertz","examCount":1,"average":0.75},{"studentId":"a/b c'd é","examCount":1,"average":0.25}],"next":null}""",
            page.GetRawText());
    }

    [Fact]
    public async Task Student_pages_link_to_the_next_page_until_the_last()
    {
        var first = await _api.Client.GetFromJsonAsync<JsonElement>("/students?limit=2");
        Assert.Equal(["Beth_Cronin", "Julia.Effertz"], first.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("studentId").GetString()));
        var next = first.GetProperty("next").GetString();
        Assert.Equal("/students?after=Julia.Effertz&limit=2", next);

        var second = await _api.Client.GetFromJsonAsync<JsonElement>(next);
        Assert.Equal(["a/b c'd é"], second.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("studentId").GetString()));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next").ValueKind);
    }

    [Fact]
    public async Task Shows_one_student_with_results_in_exam_order()
    {
        var student = await _api.Client.GetFromJsonAsync<JsonElement>("/students/Beth_Cronin");

        Assert.Equal(
            """{"studentId":"Beth_Cronin","examCount":2,"average":0.7689198598243844,"results":[{"exam":10393,"score":0.6878397196487688},{"exam":10394,"score":0.85}]}""",
            student.GetRawText());
    }

    [Fact]
    public async Task A_student_id_with_slash_space_apostrophe_and_accent_round_trips_through_the_url()
    {
        var page = await _api.Client.GetFromJsonAsync<JsonElement>("/students?after=Julia.Effertz");
        var id = page.GetProperty("items")[0].GetProperty("studentId").GetString()!;

        var student = await _api.Client.GetFromJsonAsync<JsonElement>("/students/" + Uri.EscapeDataString(id));
        Assert.Equal(id, student.GetProperty("studentId").GetString());
        Assert.Equal(0.25, student.GetProperty("average").GetDouble());
    }

    [Fact]
    public async Task An_overlong_student_id_is_a_bad_request()
    {
        using var response = await _api.Client.GetAsync("/students/" + new string('x', 5000));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
