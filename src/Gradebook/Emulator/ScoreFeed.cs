using System.Globalization;
using Microsoft.Extensions.Options;

namespace Gradebook.Emulator;

/// <summary>
/// The emulated live feed: releases the <see cref="ScoreSequence"/> burst by burst at the configured rate and keeps
/// the last <see cref="EmulatorOptions.BufferSize"/> events so a client that reconnects can be sent what it missed.
/// </summary>
internal sealed class ScoreFeed
{
    private const int OnDemandChunk = 4_096;

    private readonly Lock _gate = new();
    private readonly EmulatorOptions _options;
    private readonly ScoreSequence _sequence;
    private readonly EmulatedEvent[] _ring;
    private readonly TimeProvider _time;
    private readonly long _started;
    private double _nextReleaseSeconds;

    public ScoreFeed(IOptions<EmulatorOptions> options, TimeProvider time)
    {
        _options = options.Value;
        _sequence = new ScoreSequence(_options);
        _ring = new EmulatedEvent[_options.BufferSize];
        _time = time;
        _started = time.GetTimestamp();
    }

    /// <summary>The id of the newest event released so far.</summary>
    public long Head
    {
        get
        {
            lock (_gate)
            {
                return _sequence.Produced;
            }
        }
    }

    /// <summary>
    /// Where a client's stream starts: after its <c>Last-Event-ID</c> when that event is still buffered, otherwise at
    /// the oldest buffered event (a new client, an id from before the buffer, or an id this feed never sent).
    /// </summary>
    public long StartPosition(string? lastEventId)
    {
        lock (_gate)
        {
            var oldest = Oldest();
            return long.TryParse(lastEventId, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                && id >= oldest - 1 && id <= _sequence.Produced
                ? id
                : oldest - 1;
        }
    }

    /// <summary>
    /// Waits until events after <paramref name="position"/> are released and returns up to <paramref name="max"/> of them,
    /// or an empty list when none come within <paramref name="maxWait"/>.
    /// </summary>
    public async Task<List<EmulatedEvent>> NextAsync(long position, int max, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var deadline = Elapsed() + maxWait.TotalSeconds;
        while (true)
        {
            TimeSpan wait;
            lock (_gate)
            {
                Release(position);
                if (position < _sequence.Produced)
                {
                    return Read(position, max);
                }

                var now = Elapsed();
                if (now >= deadline)
                {
                    return [];
                }

                var until = _sequence.Exhausted ? deadline : Math.Min(deadline, _nextReleaseSeconds);
                wait = TimeSpan.FromSeconds(Math.Max(0.001, until - now));
            }

            await Task.Delay(wait, _time, cancellationToken);
        }
    }

    private void Release(long position)
    {
        if (_options.EventsPerSecond == 0)
        {
            // Full speed: produce only when the reader has caught up, so its pace is the feed's pace.
            var target = position + OnDemandChunk;
            while (_sequence.Produced < target && !_sequence.Exhausted)
            {
                Store(_sequence.NextBurst());
            }

            return;
        }

        var elapsed = Elapsed();
        while (_nextReleaseSeconds <= elapsed && !_sequence.Exhausted)
        {
            var burst = _sequence.NextBurst();
            Store(burst);
            _nextReleaseSeconds += burst.Count / _options.EventsPerSecond;
        }
    }

    private void Store(List<EmulatedEvent> burst)
    {
        foreach (var e in burst)
        {
            _ring[e.Id % _ring.Length] = e;
        }
    }

    private List<EmulatedEvent> Read(long position, int max)
    {
        var from = Math.Max(position + 1, Oldest());
        var to = Math.Min(_sequence.Produced, from + max - 1);
        var events = new List<EmulatedEvent>((int)(to - from + 1));
        for (var id = from; id <= to; id++)
        {
            events.Add(_ring[id % _ring.Length]);
        }

        return events;
    }

    private long Oldest() => Math.Max(1, _sequence.Produced - _ring.Length + 1);

    private double Elapsed() => _time.GetElapsedTime(_started).TotalSeconds;
}
