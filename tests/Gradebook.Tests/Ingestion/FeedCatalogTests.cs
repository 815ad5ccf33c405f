using Gradebook.Feed;
using Gradebook.Ingestion;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Gradebook.Tests.Ingestion;

public sealed class FeedCatalogTests
{
    private static FeedCatalog Read(params (string Key, string Value)[] settings) =>
        FeedCatalog.Read(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build());

    [Fact]
    public void With_no_feed_configured_the_built_in_emulator_is_the_one_feed()
    {
        var feed = Assert.Single(Read().Feeds);
        Assert.Equal(FeedCatalog.EmulatorName, feed.Name);
        Assert.True(feed.UsesEmulator);
    }

    [Fact]
    public void Feed_url_alone_is_one_feed_named_default()
    {
        var feed = Assert.Single(Read(("Feed:Url", "http://feed.example/scores")).Feeds);
        Assert.Equal(FeedCatalog.ShorthandName, feed.Name);
        Assert.Equal(new Uri("http://feed.example/scores"), feed.Url);
    }

    [Fact]
    public void Named_feeds_inherit_the_feed_section_and_override_what_they_name()
    {
        var catalog = Read(
            ("Feed:BatchSize", "100"),
            ("Feed:RetryBudget", "00:05:00"),
            ("Feeds:north:Url", "http://north.example/scores"),
            ("Feeds:south:Url", "http://south.example/scores"),
            ("Feeds:south:BatchSize", "7"));

        Assert.Equal(["north", "south"], catalog.Feeds.Select(f => f.Name));
        Assert.Equal([100, 7], catalog.Feeds.Select(f => f.Options.BatchSize));
        Assert.All(catalog.Feeds, f => Assert.Equal(TimeSpan.FromMinutes(5), f.Options.RetryBudget));
        Assert.False(catalog.UsesEmulator);
    }

    [Theory]
    [InlineData("Feeds:no spaces:Url", "http://x.example/", "1 to 64 letters")]
    [InlineData("Feeds:north:BatchSize", "5", "Feeds:north:Url is required")]
    [InlineData("Feeds:north:Url", "ftp://x.example/", "Feeds:north:Url must be an absolute http or https URL")]
    public void A_bad_feed_is_refused_naming_it(string key, string value, string problem)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Read((key, value)));
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_name_of_65_characters_is_refused()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Read(($"Feeds:{new string('a', 65)}:Url", "http://x.example/")));
        Assert.Contains("1 to 64 letters", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_shorthand_and_a_feed_named_default_cannot_both_be_given()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Read(
            ("Feed:Url", "http://a.example/"), ("Feeds:default:Url", "http://b.example/")));
        Assert.Contains("keep one of them", error.Message, StringComparison.Ordinal);
    }
}
