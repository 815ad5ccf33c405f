using System.Net;
using System.Text;
using Gradebook.Api;
using Gradebook.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Gradebook.Tests.Exams;

/// <summary>The exams' reads as CSV, and the CSV writer's quoting of what a student id cannot hold.</summary>
public sealed class ExamCsvTests(SeededApiHost api) : IClassFixture<SeededApiHost>
{
    [Fact]
    public async Task The_list_as_csv_is_every_exam_with_its_count_and_average()
    {
        using var response = await api.Client.GetAsync("/exams?format=csv&limit=1");

        Assert.Equal("exams.csv", response.Content.Headers.ContentDisposition?.FileName);
        Assert.Equal(
            "exam,studentCount,average\r\n10393,2,0.7189198598243844\r\n10394,2,0.55\r\n",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task One_exam_as_csv_is_its_results_by_student()
    {
        using var response = await api.Client.GetAsync("/exams/10394?format=csv");

        Assert.Equal("exam-10394.csv", response.Content.Headers.ContentDisposition?.FileName);
        Assert.Equal(
            "exam,studentId,score\r\n10394,Beth_Cronin,0.85\r\n10394,a/b c'd é,0.25\r\n",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_unknown_exam_as_csv_is_a_404_and_a_malformed_one_a_400()
    {
        using var unknown = await api.Client.GetAsync("/exams/1?format=csv");
        using var malformed = await api.Client.GetAsync("/exams/ten?format=csv");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
    }

    [Fact]
    public async Task Fields_with_line_breaks_are_quoted_and_records_end_with_crlf()
    {
        var context = new DefaultHttpContext();
        using var body = new MemoryStream();
        context.Response.Body = body;
        string[][] records = [["one\ntwo", "three\r\nfour"], ["\tfive", "six"]];
        var csv = new CsvResult("x.csv", ["a", "b"], _ => records.ToAsyncEnumerable());

        await csv.ExecuteAsync(context);

        Assert.Equal("a,b\r\n\"one\ntwo\",\"three\r\nfour\"\r\n\"'\tfive\",six\r\n", Encoding.UTF8.GetString(body.ToArray()));
    }
}
