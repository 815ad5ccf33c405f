using System.ComponentModel.DataAnnotations;

namespace Gradebook.Live;

/// <summary>Settings of <c>GET /scores/live</c> and its change log (section <c>Live</c>).</summary>
internal sealed class LiveOptions
{
    public const string Section = "Live";

    /// <summary>How often the change log is read for new changes; it is read from the store, so it also sees other instances' writes.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>An idle stream sends a comment this often, so proxies and clients do not take it for a dead one.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The <c>retry:</c> hint: how long a client waits before reconnecting.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How many recent changes are kept in memory, read once from the log and shared by every client near the end.</summary>
    [Range(100, 1_000_000)]
    public int WindowSize { get; set; } = 20_000;

    /// <summary>A client that had caught up and then falls this many changes behind is disconnected (it resumes by Last-Event-ID).</summary>
    [Range(1, long.MaxValue)]
    public long MaxBehind { get; set; } = 10_000;

    /// <summary>A write to a client that takes longer than this disconnects it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How many changes the log keeps: a client may resume from any of them.</summary>
    [Range(1, long.MaxValue)]
    public long RetainChanges { get; set; } = 1_000_000;

    /// <summary>How often the log is trimmed to <see cref="RetainChanges"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan TrimInterval { get; set; } = TimeSpan.FromMinutes(5);
}
