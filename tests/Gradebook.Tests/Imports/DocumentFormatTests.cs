using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Gradebook.Tests.Support;

namespace Gradebook.Tests.Imports;

/// <summary>POST /import in each format, through HTTP: the same sheets give the same results and statistics, and each format's rejections name what is wrong.</summary>
public sealed class DocumentFormatTests : IAsyncLifetime
{
    private const long Exam = 515;
    private static readonly string[] Questions = ["1", "2", "3"];
    private static readonly Dictionary<string, string> Key = new() { ["1"] = "A", ["2"] = "C", ["3"] = "B" };
    private static readonly Dictionary<string, double> Points = new() { ["1"] = 1, ["2"] = 2, ["3"] = 1 };

    private readonly ApiHost _api = new();

    public Task InitializeAsync() => _api.InitializeAsync();

    public Task DisposeAsync() => _api.DisposeAsync();

    [Fact]
    public async Task The_same_sheets_as_markr_csv_and_json_give_identical_results_and_statistics_and_survive_a_rebuild()
    {
        var answers = new List<string>();
        foreach (var (format, content) in new[] { ("markr", Markup()), ("csv", Csv()), ("json", Json()) })
        {
            await using var api = new ApiHost();
            await api.InitializeAsync();
            using (var response = await api.Client.PostAsync("/import", content))
            {
                Assert.True(response.StatusCode == HttpStatusCode.Created, $"{format}: {await response.Content.ReadAsStringAsync()}");
            }

            var read = await ReadAllAsync(api.Client);
            await api.Store.RebuildAsync(CancellationToken.None);
            Assert.Equal(read, await ReadAllAsync(api.Client));
            answers.Add(read);
        }

        Assert.Equal(answers[0], answers[1]);
        Assert.Equal(answers[0], answers[2]);
        Assert.Contains("\"students\":4", answers[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_media_type_is_a_415_that_lists_the_accepted_ones()
    {
        using var content = new StringContent("x", Encoding.UTF8, "text/plain");
        using var response = await _api.Client.PostAsync("/import", content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["text/xml+markr", "text/csv", "application/json"], problem.GetProperty("accepted").EnumerateArray().Select(t => t.GetString()));
    }

    [Theory]
    [InlineData("student-number,test-id,marks-available,marks-obtained,colour\n1,5,2,1,red\n", 400, "unknown column 'colour'")]
    [InlineData("student-number,marks-available,marks-obtained\n1,2,1\n", 400, "no test-id column")]
    [InlineData("student-number,test-id,marks-available,marks-obtained,Q1\n1,5,1,1,A\n", 400, "need a KEY row")]
    [InlineData("student-number,test-id,marks-available,marks-obtained,Q1\nKEY,,,,A\nPOINTS,,,,lots\n1,5,1,1,A\n", 400, "POINTS for Q1 must be a number")]
    [InlineData("student-number,test-id,marks-available,marks-obtained\n1,5,2,1\n2,5,two,1\n", 422, "\"line\":3,\"studentNumber\":\"2\",\"problems\":[\"summary-marks available must be a number")]
    [InlineData("student-number,test-id,marks-available,marks-obtained\n1,5,2,\"1\n", 400, "not well-formed CSV")]
    public async Task A_csv_document_that_cannot_be_stored_is_rejected_naming_the_line_and_the_field(string csv, int status, string says)
    {
        using var content = new StringContent(csv, Encoding.UTF8, "text/csv");
        using var response = await _api.Client.PostAsync("/import", content);
        await AssertRejectedAsync(response, status, says);
    }

    [Theory]
    [InlineData("[{\"studentNumber\":\"1\"", 400, "not well-formed JSON")]
    [InlineData("{\"studentNumber\":\"1\"}", 400, "not an array of sheets")]
    [InlineData("[\n{\"studentNumber\":\"1\",\"testId\":5,\"summaryMarks\":{\"available\":2,\"obtained\":1}},\n{\"studentNumber\":\"2\",\"testId\":5,\"summaryMarks\":{\"available\":2,\"obtained\":3}}\n]", 422, "\"line\":3,\"studentNumber\":\"2\",\"problems\":[\"summary-marks obtained 3 is more than available 2")]
    [InlineData("[{\"studentNumber\":\"1\",\"testId\":[5],\"summaryMarks\":{\"available\":2,\"obtained\":1}}]", 422, "testId must be a string or a number")]
    public async Task A_json_document_that_cannot_be_stored_is_rejected_naming_the_sheet_and_the_field(string json, int status, string says)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await _api.Client.PostAsync("/import", content);
        await AssertRejectedAsync(response, status, says);
    }

    private static async Task AssertRejectedAsync(HttpResponseMessage response, int status, string says)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(says, body, StringComparison.Ordinal);
    }

    private static async Task<string> ReadAllAsync(HttpClient client)
    {
        var text = new StringBuilder();
        foreach (var url in new[] { $"/exams/{Exam}", $"/exams/{Exam}/questions", "/students/s1", $"/exams/{Exam}/students/s2/answers" })
        {
            text.Append(await client.GetStringAsync(url)).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Four students, the second scanned twice (the later sheet higher), one answer left blank.</summary>
    private static List<(string Student, string? First, string ScannedOn, string[] Choices)> Sheets() =>
    [
        ("s1", "Ann", "2026-03-01T09:00:00Z", ["A", "C", "B"]),
        ("s2", "Bob", "2026-03-01T09:00:00Z", ["B", "C", ""]),
        ("s3", null, "2026-03-01T09:05:00Z", ["A", "D", "D"]),
        ("s4", "Dee", "2026-03-01T09:05:00Z", ["C", "A", "B"]),
        ("s2", "Bob", "2026-03-02T09:00:00Z", ["A", "C", "A"]),
    ];

    private static (string Question, string Choice, double Awarded, double Available)[] Marked(string[] choices) =>
        [.. Questions.Select((q, i) => (q, choices[i], choices[i] == Key[q] ? Points[q] : 0, Points[q]))];

    private static ByteArrayContent Markup()
    {
        var document = Markr.Document(Sheets().Select(s =>
            Markr.Sheet(s.Student, Exam, s.ScannedOn, Marked(s.Choices)).Replace("<student-number>", s.First is null ? "<student-number>" : $"<first-name>{s.First}</first-name><student-number>", StringComparison.Ordinal)));
        var content = new ByteArrayContent(Markr.Bytes(document));
        content.Headers.ContentType = new MediaTypeHeaderValue("text/xml+markr");
        return content;
    }

    private static StringContent Csv()
    {
        var text = new StringBuilder("Student-Number,First-Name,Test-Id,Scanned-On,Marks-Available,Marks-Obtained,Q1,Q2,Q3\n");
        text.Append("KEY,,,,,,A,C,B\nPOINTS,,,,,,1,2,1\n");
        foreach (var s in Sheets())
        {
            var marked = Marked(s.Choices);
            text.Append(CultureInfo.InvariantCulture, $"{s.Student},{s.First},{Exam},{s.ScannedOn},{marked.Sum(a => a.Available)},{marked.Sum(a => a.Awarded)},{string.Join(',', s.Choices)}\n");
        }

        return new StringContent(text.ToString(), Encoding.UTF8, "text/csv");
    }

    private static StringContent Json()
    {
        var sheets = Sheets().Select(s =>
        {
            var marked = Marked(s.Choices);
            return new Dictionary<string, object?>
            {
                ["studentNumber"] = s.Student,
                ["firstName"] = s.First,
                ["testId"] = Exam,
                ["scannedOn"] = s.ScannedOn,
                ["summaryMarks"] = new { available = marked.Sum(a => a.Available), obtained = marked.Sum(a => a.Awarded) },
                ["answers"] = marked.Select(a => new { question = a.Question, choice = a.Choice, marksAvailable = a.Available, marksAwarded = a.Awarded }),
            };
        });
        return new StringContent(JsonSerializer.Serialize(sheets), Encoding.UTF8, "application/json");
    }
}
