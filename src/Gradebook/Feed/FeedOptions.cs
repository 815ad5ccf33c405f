using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Gradebook.Feed;

/// <summary>Settings of the live feed reader (section <c>Feed</c>).</summary>
internal sealed class FeedOptions
{
    public const string Section = "Feed";

    /// <summary>False turns ingestion off; the API still serves what is stored.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The feed's absolute http(s) URL; empty means the built-in emulator at this host's own <c>/scores</c>.</summary>
    public string? Url { get; set; }

    /// <summary>
    /// The most events committed in one transaction. The writer takes whatever is queued up to this, so a batch holds a
    /// few events while the feed is live and grows to this size only while the reader is ahead (catching up).
    /// </summary>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 32_768;

    /// <summary>
    /// Which comes first when a catch-up and the requests both want the processor: <see cref="FeedPriority.Reads"/> (the
    /// default) runs the feed's reader and writer below the threads that answer requests, so a read waits less while
    /// a backlog is caught up, and the catch-up slows by what the reads take; <see cref="FeedPriority.CatchUp"/> runs
    /// them as the requests' equals, for the fastest catch-up.
    /// </summary>
    public FeedPriority Priority { get; set; } = FeedPriority.Reads;

    /// <summary>How many received events may wait for the writer before the reader stops reading (back-pressure).</summary>
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = 32_768;

    /// <summary>The first reconnection delay when the feed gives none with <c>retry:</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The cap on the exponentially growing reconnection delay.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>No bytes for this long (not even a comment) means the connection is stalled: it is dropped and replaced.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>The largest event accepted, in bytes; a larger one is rejected as oversized and skipped.</summary>
    [Range(256, 64 * 1024 * 1024)]
    public int MaxEventBytes { get; set; } = 64 * 1024;

    /// <summary>How long the feed may stay disconnected before <c>/readyz</c> reports Gradebook unready.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan RetryBudget { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Failed commits in a row after which the feed is <c>failing</c> (<c>/readyz</c> 503, one error log line) while
    /// transient faults are still retried; a fault that is not transient makes it failing at once, and is not retried.
    /// </summary>
    [Range(1, 1000)]
    public int FailingAfter { get; set; } = 3;

    /// <summary>Connected, with an event received but uncommitted for longer than this, the feed is <c>lagging</c>; zero turns the bound off.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxLag { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Connected, with more events than this received but uncommitted, the feed is <c>lagging</c>; zero turns the bound off.</summary>
    [Range(0, 100_000_000)]
    public long MaxPending { get; set; }

    /// <summary>
    /// How long stopping waits for what was received to be committed. Past it, the process ends with what is committed;
    /// the rest is read again from the feed at the next start, which resumes after the last committed event.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>While events flow, one log line this often says how many arrived, how fast and the lag; zero turns it off.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan SummaryInterval { get; set; } = TimeSpan.FromSeconds(10);

    public bool UsesEmulator => string.IsNullOrWhiteSpace(Url);
}

/// <summary>Rejects a feed URL that is not an absolute http(s) URL, so a typo fails at start-up with a clear message.</summary>
internal sealed class FeedOptionsValidator : IValidateOptions<FeedOptions>
{
    public ValidateOptionsResult Validate(string? name, FeedOptions options)
    {
        if (options.MaxReconnectDelay < options.ReconnectDelay)
        {
            return ValidateOptionsResult.Fail("Feed:MaxReconnectDelay must not be shorter than Feed:ReconnectDelay.");
        }

        if (options.UsesEmulator)
        {
            return ValidateOptionsResult.Success;
        }

        if (!Uri.TryCreate(options.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return ValidateOptionsResult.Fail($"Feed:Url must be an absolute http or https URL, got '{options.Url}'.");
        }

        return string.IsNullOrEmpty(uri.UserInfo)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail("Feed:Url must not carry credentials.");
    }
}

/// <summary>Which comes first when a feed's catch-up and the requests both want the processor (<see cref="FeedOptions.Priority"/>).</summary>
internal enum FeedPriority
{
    Reads,
    CatchUp,
}
