using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gradebook.Tests.Support;

namespace Gradebook.Tests.Exams;

/// <summary>
/// The student id in GET /exams/{exam}/students/{studentId}/answers is read as GET /students/{studentId} reads it:
/// decoded once from the raw request target, and refused alike when its escapes are not UTF-8.
/// </summary>
public sealed class StudentAnswersIdTests : IAsyncLifetime
{
    private const long Exam = 5150;
    private static readonly string[] Students = ["a/b", "100%", "c d é", "x%2Fy"];

    private readonly ApiHost _api = new();

    public async Task InitializeAsync()
    {
        await _api.InitializeAsync();
        var document = Markr.Document(Students.Select(s => Markr.Sheet(s, Exam, null, [("1", "A", 1, 1)])));
        using var content = new ByteArrayContent(Markr.Bytes(document));
        content.Headers.ContentType = new MediaTypeHeaderValue("text/xml+markr");
        using var response = await _api.Client.PostAsync("/import", content);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    public Task DisposeAsync() => _api.DisposeAsync();

    [Theory]
    [InlineData("%E2%82")]
    [InlineData("Beth%FF")]
    [InlineData("%C0%AF")]
    [InlineData("a%2Fb%FF")]
    public async Task An_id_that_is_not_utf8_is_the_same_400_problem_as_the_student_read(string escaped)
    {
        var student = await ProblemAsync($"/students/{escaped}");
        var answers = await ProblemAsync($"/exams/{Exam}/students/{escaped}/answers");

        Assert.Contains("UTF-8", student["errors"]!["studentId"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(student.ToJsonString(), answers.ToJsonString());
    }

    [Theory]
    [InlineData("a%2Fb", "a/b")]
    [InlineData("100%25", "100%")]
    [InlineData("c%20d%20%C3%A9", "c d é")]
    [InlineData("x%252Fy", "x%2Fy")]
    public async Task An_id_with_reserved_characters_still_finds_its_sheet(string escaped, string id)
    {
        using var response = await _api.Client.GetAsync($"/exams/{Exam}/students/{escaped}/answers");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sheet = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(id, sheet.GetProperty("studentId").GetString());
    }

    /// <summary>Asserts <paramref name="url"/> answers a 400 problem and returns it without its per-request trace id.</summary>
    private async Task<JsonObject> ProblemAsync(string url)
    {
        using var response = await _api.Client.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        problem.Remove("traceId");
        return problem;
    }
}
