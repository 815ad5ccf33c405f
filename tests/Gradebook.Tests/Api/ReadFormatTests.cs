using System.Net;
using System.Text.Json;
using Gradebook.Tests.Support;

namespace Gradebook.Tests.Api;

/// <summary>What cannot be an id, and a format nobody serves, are the client's mistakes: 400s that say so.</summary>
public sealed class ReadFormatTests(SeededApiHost api) : IClassFixture<SeededApiHost>
{
    [Theory]
    [InlineData("/students/%E2%82")]
    [InlineData("/students/Beth%FF")]
    [InlineData("/students/%C0%AF")]
    public async Task A_student_id_that_is_not_utf8_is_a_400_problem_not_a_404(string url) =>
        Assert.Contains("UTF-8", await BadRequestAsync(url, "studentId"), StringComparison.Ordinal);

    [Fact]
    public async Task An_escaped_percent_sign_and_escaped_utf8_still_name_a_student()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await api.Client.GetAsync("/students/100%25")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.Client.GetAsync("/students/a%2Fb%20c'd%20%C3%A9")).StatusCode);
    }

    [Theory]
    [InlineData("/students?format=xml")]
    [InlineData("/students/Beth_Cronin?format=xlsx")]
    [InlineData("/exams?format=")]
    [InlineData("/exams/10393?format=CSVX")]
    [InlineData("/results/10393/aggregate?format=yaml")]
    public async Task An_unknown_format_is_a_400_naming_the_formats(string url)
    {
        var message = await BadRequestAsync(url, "format");
        Assert.Contains("'json'", message, StringComparison.Ordinal);
        Assert.Contains("'csv'", message, StringComparison.Ordinal);
    }

    /// <summary>Asserts <paramref name="url"/> is a 400 problem naming <paramref name="parameter"/>, and returns what it says of it.</summary>
    private async Task<string> BadRequestAsync(string url, string parameter)
    {
        using var response = await api.Client.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        return errors.GetProperty(parameter)[0].GetString()!;
    }

    [Theory]
    [InlineData("/students?format=json")]
    [InlineData("/exams/10393?format=JSON")]
    [InlineData("/results/10393/aggregate?format=json")]
    public async Task Format_json_is_the_default_said_aloud(string url)
    {
        using var response = await api.Client.GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_tests_aggregate_answers_csv_like_the_other_reads()
    {
        var json = JsonDocument.Parse(await api.Client.GetStringAsync("/results/10393/aggregate")).RootElement;
        using var response = await api.Client.GetAsync("/results/10393/aggregate?format=csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("aggregate-10393.csv", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["test,mean,stddev,min,max,p25,p50,p75,count"], lines[..1]);
        var fields = lines[1].Split(',');
        Assert.Equal("10393", fields[0]);
        Assert.Equal(json.GetProperty("mean").GetDouble(), double.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(json.GetProperty("count").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture), fields[8]);
        Assert.Equal(2, lines.Length);

        using var missing = await api.Client.GetAsync("/results/1/aggregate?format=csv");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
    }
}
