using System.ComponentModel.DataAnnotations;

namespace Gradebook.Emulator;

/// <summary>Settings of the built-in score feed (section <c>Emulator</c>).</summary>
internal sealed class EmulatorOptions
{
    public const string Section = "Emulator";

    /// <summary>Average events per second; 0 sends as fast as the client reads.</summary>
    [Range(0, 10_000_000)]
    public double EventsPerSecond { get; set; } = 200;

    /// <summary>How many distinct students the scores are drawn from.</summary>
    [Range(1, 1_000_000)]
    public int Students { get; set; } = 2_000;

    [Range(1, 100_000)]
    public int MinBurst { get; set; } = 20;

    [Range(1, 100_000)]
    public int MaxBurst { get; set; } = 300;

    /// <summary>The first exam number; later exams count up from it.</summary>
    [Range(0, 1_000_000_000_000)]
    public long FirstExam { get; set; } = 10_000;

    public int Seed { get; set; } = 2017;

    /// <summary>How many past events a reconnecting client can still be sent.</summary>
    [Range(1, 10_000_000)]
    public int BufferSize { get; set; } = 100_000;

    /// <summary>Stop producing after this many events (the stream stays open); 0 means never stop.</summary>
    [Range(0, long.MaxValue)]
    public long MaxEvents { get; set; }

    /// <summary>An idle stream sends a comment this often, so readers can tell a quiet feed from a stalled one.</summary>
    [Range(0.01, 3600)]
    public double HeartbeatSeconds { get; set; } = 15;

    /// <summary>The reconnection delay the feed advertises with <c>retry:</c>.</summary>
    [Range(0, 3_600_000)]
    public int RetryMilliseconds { get; set; } = 1_000;
}
