using System.ComponentModel.DataAnnotations;

namespace Gradebook.Fleet;

/// <summary>Settings of this instance's part in the fleet (section <c>Fleet</c>).</summary>
internal sealed class FleetOptions
{
    public const string Section = "Fleet";

    /// <summary>This instance's id in the fleet; empty: the host name, the process id and a random suffix.</summary>
    [StringLength(64)]
    public string? InstanceId { get; set; }

    /// <summary>How often the instance says it is alive, and looks for feeds to take or give back.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// An instance silent for this long is no longer counted when feeds are shared out; on PostgreSQL, a standby then
    /// ends the sessions holding its leases once they too have been quiet this long, and takes its feeds over.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan InstanceTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public string ResolveInstanceId() => string.IsNullOrWhiteSpace(InstanceId)
        ? $"{Environment.MachineName}-{Environment.ProcessId}-{Random.Shared.Next(0x10000):x4}"
        : InstanceId;
}
