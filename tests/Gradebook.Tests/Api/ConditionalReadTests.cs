using System.Net;
using System.Net.Http.Headers;
using Gradebook.Tests.Support;

namespace Gradebook.Tests.Api;

/// <summary>Entity tags and 304s on every read, through real HTTP over loopback, against a real SQLite file.</summary>
public sealed class ConditionalReadTests(SeededApiHost api) : IClassFixture<SeededApiHost>
{
    public static TheoryData<string> Reads => new()
    {
        "/students",
        "/students/Beth_Cronin",
        "/exams?limit=1",
        "/exams/10393",
        "/results/10393/aggregate",
        "/ingestion/rejections",
    };

    [Theory]
    [MemberData(nameof(Reads))]
    public async Task A_read_answers_with_an_etag_and_a_request_that_matches_it_gets_304_without_a_body(string url)
    {
        using var first = await api.Client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var tag = first.Headers.ETag;
        Assert.NotNull(tag);
        Assert.False(tag.IsWeak);

        using var conditional = new HttpRequestMessage(HttpMethod.Get, url);
        conditional.Headers.IfNoneMatch.Add(tag);
        using var notModified = await api.Client.SendAsync(conditional);

        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(tag, notModified.Headers.ETag);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("/students")]
    [InlineData("/exams/10393")]
    public async Task The_csv_of_a_read_is_not_served_from_its_cached_json_and_has_a_tag_of_its_own(string url)
    {
        using var json = await api.Client.GetAsync(url);
        using var csvRequest = new HttpRequestMessage(HttpMethod.Get, url);
        csvRequest.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        using var csv = await api.Client.SendAsync(csvRequest);

        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(csv.Content.Headers.ContentDisposition);
        Assert.NotNull(csv.Headers.ETag);
        Assert.NotEqual(json.Headers.ETag, csv.Headers.ETag);

        using var conditional = new HttpRequestMessage(HttpMethod.Get, url);
        conditional.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        conditional.Headers.IfNoneMatch.Add(csv.Headers.ETag);
        using var notModified = await api.Client.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }

    [Fact]
    public async Task A_request_with_another_etag_gets_the_full_answer()
    {
        using var conditional = new HttpRequestMessage(HttpMethod.Get, "/students/Beth_Cronin");
        conditional.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"not-a-version\""));
        using var response = await api.Client.SendAsync(conditional);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Beth_Cronin", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_student_is_a_404_without_an_etag()
    {
        using var response = await api.Client.GetAsync("/students/Nobody");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Null(response.Headers.ETag);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}

/// <summary>What a write does to the tags and cached answers of the reads it changes.</summary>
public sealed class ConditionalReadWriteTests : IAsyncLifetime
{
    private readonly ApiHost _api = new();

    public Task InitializeAsync() => _api.InitializeAsync();

    public Task DisposeAsync() => _api.DisposeAsync();

    [Fact]
    public async Task Writing_a_score_changes_the_etag_and_the_answer_of_the_read_it_affects()
    {
        await Scores.WriteAsync(_api.Store, ("Ann", 7, 0.5));
        using var before = await _api.Client.GetAsync("/students/Ann");
        var tag = before.Headers.ETag!;

        await Scores.WriteAsync(_api.Store, ("Ann", 8, 0.75));
        using var conditional = new HttpRequestMessage(HttpMethod.Get, "/students/Ann");
        conditional.Headers.IfNoneMatch.Add(tag);
        using var after = await _api.Client.SendAsync(conditional);

        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.NotEqual(tag, after.Headers.ETag);
        Assert.Equal(
            """{"studentId":"Ann","examCount":2,"average":0.625,"results":[{"exam":7,"score":0.5},{"exam":8,"score":0.75}]}""",
            await after.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_student_s_and_an_exam_s_tags_outlive_writes_to_other_students_and_exams()
    {
        await Scores.WriteAsync(_api.Store, ("Ann", 7, 0.5));
        var tags = new Dictionary<string, EntityTagHeaderValue>();
        foreach (var url in new[] { "/students/Ann", "/exams/7", "/results/7/aggregate", "/students" })
        {
            using var response = await _api.Client.GetAsync(url);
            tags[url] = response.Headers.ETag!;
        }

        await Scores.WriteAsync(_api.Store, ("Bob", 8, 0.75));

        Assert.Equal(HttpStatusCode.NotModified, await ConditionalStatusAsync("/students/Ann", tags["/students/Ann"]));
        Assert.Equal(HttpStatusCode.NotModified, await ConditionalStatusAsync("/exams/7", tags["/exams/7"]));
        Assert.Equal(HttpStatusCode.NotModified, await ConditionalStatusAsync("/results/7/aggregate", tags["/results/7/aggregate"]));
        Assert.Equal(HttpStatusCode.OK, await ConditionalStatusAsync("/students", tags["/students"]));

        // Bob joins exam 7: the exam's reads change, Ann's does not.
        await Scores.WriteAsync(_api.Store, ("Bob", 7, 0.25));

        Assert.Equal(HttpStatusCode.NotModified, await ConditionalStatusAsync("/students/Ann", tags["/students/Ann"]));
        Assert.Equal(HttpStatusCode.OK, await ConditionalStatusAsync("/exams/7", tags["/exams/7"]));
        Assert.Equal(HttpStatusCode.OK, await ConditionalStatusAsync("/results/7/aggregate", tags["/results/7/aggregate"]));
        using var exam = await _api.Client.GetAsync("/exams/7");
        Assert.Contains("\"Bob\"", await exam.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<HttpStatusCode> ConditionalStatusAsync(string url, EntityTagHeaderValue tag)
    {
        using var conditional = new HttpRequestMessage(HttpMethod.Get, url);
        conditional.Headers.IfNoneMatch.Add(tag);
        using var response = await _api.Client.SendAsync(conditional);
        return response.StatusCode;
    }

    [Fact]
    public async Task A_rejected_event_changes_the_etag_of_the_rejections_list()
    {
        using var before = await _api.Client.GetAsync("/ingestion/rejections");
        var tag = before.Headers.ETag!;

        await _api.Store.WriteFeedBatchAsync("test", [Scores.Raw("not json")], CancellationToken.None);
        using var conditional = new HttpRequestMessage(HttpMethod.Get, "/ingestion/rejections");
        conditional.Headers.IfNoneMatch.Add(tag);
        using var after = await _api.Client.SendAsync(conditional);

        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Contains("not json", await after.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
