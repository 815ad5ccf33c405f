using Gradebook.Feed;

namespace Gradebook.Tests.Feed;

public sealed class FeedOptionsTests
{
    private readonly FeedOptionsValidator _validator = new();

    [Theory]
    [InlineData(null)]
    [InlineData("http://feed.example/scores")]
    public void A_largest_reconnect_delay_below_the_first_is_refused_with_or_without_a_feed_url(string? url)
    {
        var options = new FeedOptions { Url = url, ReconnectDelay = TimeSpan.FromSeconds(10), MaxReconnectDelay = TimeSpan.FromSeconds(1) };

        var result = _validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Feed:MaxReconnectDelay", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ftp://feed.example/scores", "absolute http or https URL")]
    [InlineData("scores", "absolute http or https URL")]
    [InlineData("http://user:secret@feed.example/scores", "credentials")]
    public void A_feed_url_that_is_not_plain_http_is_refused(string url, string problem)
    {
        var result = _validator.Validate(null, new FeedOptions { Url = url });

        Assert.True(result.Failed);
        Assert.Contains(problem, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void The_defaults_are_valid()
    {
        Assert.True(_validator.Validate(null, new FeedOptions()).Succeeded);
    }
}
