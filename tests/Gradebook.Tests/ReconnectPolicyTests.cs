namespace Gradebook.Tests;

public class ReconnectPolicyTests
{
    private readonly ReconnectPolicy _policy = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), new Random(1));

    [Theory]
    [InlineData(0, 50, 100)]
    [InlineData(1, 100, 200)]
    [InlineData(3, 400, 800)]
    public void Doubles_the_delay_with_jitter_between_half_and_all_of_it(int attempt, double min, double max)
    {
        for (var i = 0; i < 100; i++)
        {
            var delay = _policy.Delay(attempt, null).TotalMilliseconds;
            Assert.InRange(delay, min, max);
        }
    }

    [Fact]
    public void Never_waits_longer_than_the_cap()
    {
        Assert.All(Enumerable.Range(10, 200), attempt => Assert.InRange(_policy.Delay(attempt, null), TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void Starts_from_the_feeds_retry_when_it_sent_one()
    {
        Assert.InRange(_policy.Delay(0, TimeSpan.FromSeconds(2)).TotalMilliseconds, 1000, 2000);
    }
}
