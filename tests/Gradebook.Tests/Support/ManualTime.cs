namespace Gradebook.Tests.Support;

/// <summary>A clock that moves only when a test advances it.</summary>
internal sealed class ManualTime : TimeProvider
{
    private long _ticks = TimeSpan.FromDays(1).Ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public override DateTimeOffset GetUtcNow() => new(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddTicks(GetTimestamp()));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
