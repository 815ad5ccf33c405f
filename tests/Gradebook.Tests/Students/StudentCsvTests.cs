using System.Net;
using System.Net.Http.Headers;
using Gradebook.Tests.Support;

namespace Gradebook.Tests.Students;

/// <summary>The students' reads as CSV: RFC 4180 quoting, formula injection, the header row and the file name.</summary>
public sealed class StudentCsvTests(StudentCsvTests.Host api) : IClassFixture<StudentCsvTests.Host>
{
    [Fact]
    public async Task The_list_as_csv_is_every_student_quoted_and_guarded_against_formulas()
    {
        using var response = await GetCsvAsync("/students?limit=2");

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("students.csv", response.Content.Headers.ContentDisposition?.FileName);
        Assert.Equal(
            "studentId,examCount,average\r\n"
            + "\"'+z\",1,0.3\r\n"
            + "\"'-x\",1,0.1\r\n"
            + "\"'=1+1\",1,0.75\r\n"
            + "\"'@y\",1,0.2\r\n"
            + "\"a,b\",2,0.5\r\n"
            + "\"say \"\"hi\"\"\",1,0.25\r\n"
            + "é中😀,1,1\r\n",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Format_csv_in_the_query_asks_for_csv_too()
    {
        using var response = await api.Client.GetAsync("/students?format=csv");

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("studentId,examCount,average\r\n\"'+z\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_student_as_csv_is_their_results_by_exam()
    {
        using var response = await GetCsvAsync("/students/" + Uri.EscapeDataString("a,b"));

        Assert.Equal("studentId,exam,score\r\n\"a,b\",1,0.25\r\n\"a,b\",2,0.75\r\n", await response.Content.ReadAsStringAsync());
        Assert.Equal("student-a,b.csv", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
    }

    [Fact]
    public async Task An_unknown_student_as_csv_is_still_a_404_problem()
    {
        using var response = await GetCsvAsync("/students/nobody");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Json_stays_the_answer_when_csv_is_not_asked_for()
    {
        using var response = await api.Client.GetAsync("/students?limit=1");

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    private async Task<HttpResponseMessage> GetCsvAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        return await api.Client.SendAsync(request);
    }

    /// <summary>Students whose ids need quoting, guarding, or are not ASCII.</summary>
    public sealed class Host : ApiHost
    {
        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            await Scores.WriteAsync(
                Store,
                ("a,b", 1, 0.25),
                ("a,b", 2, 0.75),
                ("say \"hi\"", 1, 0.25),
                ("é中😀", 2, 1.0),
                ("=1+1", 2, 0.75),
                ("-x", 1, 0.1),
                ("@y", 1, 0.2),
                ("+z", 1, 0.3));
        }
    }
}
