namespace Gradebook;

/// <summary>
/// Exponential backoff with jitter, capped: the n-th consecutive failed attempt waits a random time between half and
/// all of base * 2^n, never more than the cap. The base is the feed's own <c>retry:</c> when it sent one. The one rule
/// for every connection Gradebook keeps trying again: a feed's, and the data version listener's.
/// </summary>
internal sealed class ReconnectPolicy(TimeSpan defaultDelay, TimeSpan maxDelay, Random random)
{
    public TimeSpan Delay(int attempt, TimeSpan? retryHint)
    {
        var baseDelay = retryHint ?? defaultDelay;
        var exponential = baseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30));
        var capped = Math.Min(exponential, maxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.5 + (random.NextDouble() * 0.5)));
    }
}
