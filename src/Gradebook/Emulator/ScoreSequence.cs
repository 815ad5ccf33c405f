using System.Buffers.Text;
using System.Text;
using System.Text.Json;


namespace Gradebook.Emulator;

/// <summary>One event of the emulated feed: its id, its exam burst, and the SSE frame that carries it.</summary>
internal sealed record EmulatedEvent(long Id, string StudentId, long Exam, double Score, byte[] Frame);

/// <summary>
/// The deterministic event sequence behind the emulator: for one set of options it always yields the same events,
/// so a test can know exactly what the feed sent. Exams come in bursts of students, exam numbers count up.
/// </summary>
internal sealed class ScoreSequence
{
    private readonly EmulatorOptions _options;
    private readonly Random _random;
    private readonly string[] _students;
    private long _nextId = 1;
    private long _exam;
    private int _burstLeft;

    public ScoreSequence(EmulatorOptions options)
    {
        _options = options;
        _random = new Random(options.Seed);
        _students = StudentNames.Pool(options.Students, _random);
        _exam = options.FirstExam;
    }

    /// <summary>The number of events produced (or skipped) so far.</summary>
    public long Produced => _nextId - 1;

    public bool Exhausted => _options.MaxEvents > 0 && Produced >= _options.MaxEvents;

    /// <summary>
    /// The next exam's burst of scores (shorter when it reaches <see cref="EmulatorOptions.MaxEvents"/>), or what is
    /// left of the current burst after <see cref="SkipTo"/> stopped inside it.
    /// </summary>
    public List<EmulatedEvent> NextBurst()
    {
        if (_burstLeft == 0)
        {
            BeginBurst();
        }

        var burst = new List<EmulatedEvent>(_burstLeft);
        while (_burstLeft > 0)
        {
            burst.Add(Next());
        }

        return burst;
    }

    /// <summary>
    /// Advances to just after event <paramref name="id"/> by drawing the same random numbers as producing would, so the
    /// events after it are exactly those a sequence that produced every event before them would give.
    /// </summary>
    public void SkipTo(long id)
    {
        while (Produced < id && !Exhausted)
        {
            if (_burstLeft == 0)
            {
                BeginBurst();
            }

            _random.Next(_students.Length);
            _random.NextDouble();
            EndEvent();
        }
    }

    private void BeginBurst()
    {
        var size = _random.Next(_options.MinBurst, Math.Max(_options.MinBurst, _options.MaxBurst) + 1);
        if (_options.MaxEvents > 0)
        {
            size = (int)Math.Min(size, _options.MaxEvents - Produced);
        }

        _burstLeft = size;
    }

    /// <summary>The next event, the first of a new burst or the next of the current one.</summary>
    public EmulatedEvent Next()
    {
        if (_burstLeft == 0)
        {
            BeginBurst();
        }

        var student = _students[_random.Next(_students.Length)];
        // Skewed towards higher marks, as real results are; still a full-precision double in [0, 1].
        var score = Math.Sqrt(_random.NextDouble());
        var id = _nextId;
        var e = new EmulatedEvent(id, student, _exam, score, Frame(id, student, _exam, score));
        EndEvent();
        return e;
    }

    private void EndEvent()
    {
        _nextId++;
        if (--_burstLeft == 0)
        {
            _exam++;
        }
    }

    /// <summary>Every event of a finite sequence, as the emulator with these options sends them.</summary>
    public static List<EmulatedEvent> All(EmulatorOptions options)
    {
        if (options.MaxEvents <= 0)
        {
            throw new ArgumentException("Only a sequence with MaxEvents set is finite.", nameof(options));
        }

        var sequence = new ScoreSequence(options);
        var events = new List<EmulatedEvent>();
        while (!sequence.Exhausted)
        {
            events.AddRange(sequence.NextBurst());
        }

        return events;
    }

    private static byte[] Frame(long id, string student, long exam, double score)
    {
        var buffer = new byte[160 + (student.Length * 6)];
        var span = buffer.AsSpan();
        var n = Write(span, "id: "u8);
        Utf8Formatter.TryFormat(id, span[n..], out var written);
        n += written;
        n += Write(span[n..], "\nevent: score\ndata: {\"studentId\":"u8);
        var encoded = JsonEncodedText.Encode(student);
        span[n++] = (byte)'"';
        n += Write(span[n..], encoded.EncodedUtf8Bytes);
        span[n++] = (byte)'"';
        n += Write(span[n..], ",\"exam\":"u8);
        Utf8Formatter.TryFormat(exam, span[n..], out written);
        n += written;
        n += Write(span[n..], ",\"score\":"u8);
        n += Encoding.UTF8.GetBytes(score.ToString("R", System.Globalization.CultureInfo.InvariantCulture), span[n..]);
        n += Write(span[n..], "}\n\n"u8);
        return buffer[..n];
    }

    private static int Write(Span<byte> destination, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(destination);
        return bytes.Length;
    }
}
