using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Gradebook.Api;
using Gradebook.Tests.Support;

namespace Gradebook.Tests.Api;

public sealed class PagingTests(ApiHost api) : IClassFixture<ApiHost>
{
    [Theory]
    [InlineData(null, 100)]
    [InlineData("1", 1)]
    [InlineData("1000", 1000)]
    [InlineData("250", 250)]
    public void Accepts_a_limit_from_one_to_a_thousand(string? value, int expected)
    {
        Assert.True(Paging.TryParseLimit(value, out var limit, out var error));
        Assert.Equal(expected, limit);
        Assert.Null(error);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1001")]
    [InlineData("-5")]
    [InlineData("+5")]
    [InlineData("ten")]
    [InlineData("")]
    [InlineData(" 5")]
    [InlineData("99999999999999")]
    public void Refuses_any_other_limit_with_a_message(string value)
    {
        Assert.False(Paging.TryParseLimit(value, out _, out var error));
        Assert.Contains("limit", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_full_page_plus_one_row_links_to_the_next_page()
    {
        var page = Paging.Build([1, 2, 3], 2, row => row * 10, last => $"after={last}");
        Assert.Equal([10, 20], page.Items);
        Assert.Equal("after=2", page.Next);
    }

    [Fact]
    public void The_last_page_has_no_next_link()
    {
        Assert.Null(Paging.Build([1, 2], 2, row => row, last => $"after={last}").Next);
        Assert.Null(Paging.Build(new List<int>(), 2, row => row, last => $"after={last}").Next);
    }

    [Theory]
    [InlineData("/students?format=csv&limit=abc", "limit")]
    [InlineData("/exams?format=csv&limit=abc", "limit")]
    [InlineData("/students?format=csv&limit=0", "limit")]
    [InlineData("/exams?format=CSV&limit=1001", "limit")]
    [InlineData("/students?format=csv&after=%0A", "after")]
    [InlineData("/exams?format=csv&after=x", "after")]
    public async Task A_csv_list_checks_its_paging_parameters_like_a_json_list(string url, string parameter)
    {
        using var response = await api.Client.GetAsync(url);

        await AssertInvalidAsync(response, parameter);
    }

    [Theory]
    [InlineData("/students?limit=abc")]
    [InlineData("/exams?limit=abc")]
    public async Task A_list_asked_for_as_csv_by_accept_checks_its_limit_too(string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        using var response = await api.Client.SendAsync(request);

        await AssertInvalidAsync(response, "limit");
    }

    private static async Task AssertInvalidAsync(HttpResponseMessage response, string parameter)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(parameter, out _), $"The problem does not name {parameter}: {problem}");
    }
}
