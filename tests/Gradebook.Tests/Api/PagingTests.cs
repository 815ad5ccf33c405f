using Gradebook.Api;

namespace Gradebook.Tests.Api;

public class PagingTests
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
}
