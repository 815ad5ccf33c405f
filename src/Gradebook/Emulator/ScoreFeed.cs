using System.Globalization;
using Microsoft.Extensions.Options;

namespace Gradebook.Emulator;

/// <summary>
/// The emulated live feed: releases the <see cref="ScoreSequence"/> burst by burst at the configured rate and keeps
/// the last <see cref="EmulatorOptions.BufferSize"/> events for the clients reading near the head. The events are a pure
/// function of the options, so an older event is made again, and a client resuming after an id this feed has not
/// reached yet (it was restarted, the client was not) moves the feed forward to it.
/// </summary>
internal sealed class ScoreFeed
{
    private const int OnDemandChunk = 4_096;

    /// <summary>How far ahead of its head a client may move the feed: making the events up to it the events up to it are made while the request waits.</summary>
    private const long MaxFastForward = 1_000_000_000;

    private readonly Lock _gate = new();
    private readonly EmulatorOptions _options;
    private readonly ScoreSequence _sequence;
    private readonly EmulatedEvent[] _ring;
    private readonly TimeProvider _time;
    private readonly long _started;
    private double _nextReleaseSeconds;
    private long _firstBuffered = 1;
    private ScoreSequence? _replay;

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
    /// Where a client's stream starts: after its <c>Last-Event-ID</c>, or at the oldest buffered event for a new client.
    /// Null, with the reason, for an id this feed can never have sent (not a whole number, or past the end of a feed
    /// with <see cref="EmulatorOptions.MaxEvents"/>) or would take too long to reach. It cannot tell an id that another
    /// seed sent: ids are positions in the sequence.
    /// </summary>
    public long? StartPosition(string? lastEventId, out string? refusal)
    {
        refusal = null;
        lock (_gate)
        {
            if (string.IsNullOrEmpty(lastEventId))
            {
                return Oldest() - 1;
            }

            if (!long.TryParse(lastEventId, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                refusal = $"'{lastEventId}' is not an event id of this feed: its ids are whole numbers from 1.";
                return null;
            }

            if (_options.MaxEvents > 0 && id > _options.MaxEvents)
            {
                refusal = $"Event {id} is past the end of this feed, which sends {_options.MaxEvents} events.";
                return null;
            }

            if (id - _sequence.Produced > MaxFastForward)
            {
                refusal = $"Event {id} is more than {MaxFastForward} events ahead of this feed, which has sent {_sequence.Produced}.";
                return null;
            }

            if (id > _sequence.Produced)
            {
                FastForward(id);
            }

            return id;
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

    /// <summary>Moves the head to <paramref name="id"/>; the rate applies from here on, as if the feed had got here by itself.</summary>
    private void FastForward(long id)
    {
        _sequence.SkipTo(id);
        _firstBuffered = id + 1;
        _nextReleaseSeconds = Math.Max(_nextReleaseSeconds, Elapsed());
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
        var oldest = Oldest();
        if (position + 1 < oldest)
        {
            return Replay(position, (int)Math.Min(max, oldest - 1 - position));
        }

        var from = position + 1;
        var to = Math.Min(_sequence.Produced, from + max - 1);
        var events = new List<EmulatedEvent>((int)(to - from + 1));
        for (var id = from; id <= to; id++)
        {
            events.Add(_ring[id % _ring.Length]);
        }

        return events;
    }

    /// <summary>Events older than the buffer, made again; one replaying client reads on where it left off.</summary>
    private List<EmulatedEvent> Replay(long position, int count)
    {
        if (_replay is null || _replay.Produced > position)
        {
            _replay = new ScoreSequence(_options);
        }

        _replay.SkipTo(position);
        var events = new List<EmulatedEvent>(count);
        while (events.Count < count)
        {
            events.Add(_replay.Next());
        }

        return events;
    }

    private long Oldest() => Math.Max(_firstBuffered, _sequence.Produced - _ring.Length + 1);

    private double Elapsed() => _time.GetElapsedTime(_started).TotalSeconds;
}
