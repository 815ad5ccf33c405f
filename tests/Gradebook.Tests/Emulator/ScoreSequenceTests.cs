using System.Text;
using System.Text.Json;
using Gradebook.Emulator;
using Gradebook.Feed;

using Gradebook.Grading;

namespace Gradebook.Tests.Emulator;

public class ScoreSequenceTests
{
    private static readonly EmulatorOptions Options = new() { Seed = 7, Students = 50, MinBurst = 10, MaxBurst = 40, MaxEvents = 2_000, FirstExam = 500 };

    [Fact]
    public void The_same_options_give_the_same_events()
    {
        var first = ScoreSequence.All(Options);
        var second = ScoreSequence.All(Options);
        Assert.Equal(first.Select(e => (e.Id, e.StudentId, e.Exam, e.Score)), second.Select(e => (e.Id, e.StudentId, e.Exam, e.Score)));
        Assert.NotEqual(first.Select(e => e.Score), ScoreSequence.All(new EmulatorOptions { Seed = 8, Students = 50, MaxEvents = 2_000 }).Select(e => e.Score));
    }

    [Fact]
    public void Exams_arrive_in_bursts_with_growing_numbers_from_a_stable_pool()
    {
        var events = ScoreSequence.All(Options);
        Assert.Equal(Options.MaxEvents, events.Count);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Id));
        Assert.Equal(500, events[0].Exam);
        Assert.True(events.Zip(events.Skip(1)).All(p => p.Second.Exam == p.First.Exam || p.Second.Exam == p.First.Exam + 1));
        var bursts = events.GroupBy(e => e.Exam).Select(g => g.Count()).ToList();
        Assert.All(bursts.SkipLast(1), size => Assert.InRange(size, 10, 40));
        Assert.InRange(events.Select(e => e.StudentId).Distinct().Count(), 2, 50);
        Assert.All(events, e => Assert.InRange(e.Score, 0, 1));
    }

    [Fact]
    public void Each_frame_is_an_sse_score_event_with_compact_json_in_field_order()
    {
        var e = ScoreSequence.All(Options)[0];
        var frame = Encoding.UTF8.GetString(e.Frame);
        var json = $"{{\"studentId\":{JsonSerializer.Serialize(e.StudentId)},\"exam\":{e.Exam},\"score\":{e.Score:R}}}";
        Assert.Equal($"id: {e.Id}\nevent: score\ndata: {json}\n\n", frame);
        Assert.Equal(new Score(e.StudentId, e.Exam, e.Score), ScorePayload.Read(Encoding.UTF8.GetBytes(json)).Score);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(37)]
    [InlineData(1_234)]
    public void Skipping_to_an_event_gives_the_same_events_after_it(long id)
    {
        var sequence = new ScoreSequence(Options);
        sequence.SkipTo(id);

        var rest = new List<EmulatedEvent>();
        while (!sequence.Exhausted)
        {
            rest.AddRange(sequence.NextBurst());
        }

        Assert.Equal(
            ScoreSequence.All(Options).Skip((int)id).Select(e => (e.Id, e.StudentId, e.Exam, e.Score)),
            rest.Select(e => (e.Id, e.StudentId, e.Exam, e.Score)));
    }

    [Fact]
    public void Student_names_look_like_user_names()
    {
        var names = StudentNames.Pool(500, new Random(1));
        Assert.Equal(500, names.Distinct(StringComparer.Ordinal).Count());
        Assert.All(names, name => Assert.Matches(@"^[A-Z][a-z]+([._][A-Z][a-z]+)?\d*$", name));
    }
}
