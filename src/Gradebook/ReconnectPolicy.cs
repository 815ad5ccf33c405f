namespace Gradebook;

// Hand-written rather than Polly's retry strategy: each loop that retries owns steps Polly would only wrap (asking
// whether the lease still holds, turning the feed failing after a bound, honouring a feed's `retry:` hint), so all
// a pipeline would add is this formula.

/// <summary>
/// Exponential backoff with jitter, capped: the n-th consecutive failed attempt waits a random time between half and
/// all of base * 2^n, never more than the cap. The base is the feed's own <c>retry:</c> when it sent one. The one rule
/// for everything Gradebook tries again: a feed's connection, a failed commit, the data version listener, the change
/// log's poller. What may be tried again at all is <c>Storage/TransientFaults</c>'s to say.
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
