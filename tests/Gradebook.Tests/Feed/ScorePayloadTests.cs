using System.Text;
using Gradebook.Feed;

using Gradebook.Grading;

namespace Gradebook.Tests.Feed;

public class ScorePayloadTests
{
    private static (Score? Score, Rejection? Rejection) Read(string json) => ScorePayload.Read(Encoding.UTF8.GetBytes(json));

    private static Score Accepted(string json)
    {
        var (score, rejection) = Read(json);
        Assert.Null(rejection);
        return score!.Value;
    }

    private static Rejection Rejected(string json, RejectionReason reason)
    {
        var (score, rejection) = Read(json);
        Assert.Null(score);
        Assert.NotNull(rejection);
        Assert.Equal(reason, rejection.Reason);
        Assert.False(string.IsNullOrWhiteSpace(rejection.Message));
        return rejection;
    }

    [Fact]
    public void Reads_the_feed_format()
    {
        var score = Accepted("""{"studentId":"Beth_Cronin","exam":10393,"score":0.6878397196487688}""");
        Assert.Equal(new Score("Beth_Cronin", 10393, 0.6878397196487688), score);
    }

    [Fact]
    public void Reads_the_relaxed_form_of_the_original_assignment()
    {
        var score = Accepted("""{"exam": 3, "studentId": "foo", score: .991}""");
        Assert.Equal(new Score("foo", 3, 0.991), score);
    }

    [Theory]
    [InlineData("""{ studentId : "a", exam : 1, score : 1 }""", 1.0)]
    [InlineData("""{"studentId":"a","exam":1,"score":0}""", 0.0)]
    [InlineData("""{"studentId":"a","exam":1,"score":-0.0}""", 0.0)]
    [InlineData("""{"studentId":"a","exam":1,"score":5e-1}""", 0.5)]
    [InlineData("""{"studentId":"a","exam":1,"score":-.0}""", 0.0)]
    [InlineData(" \r\n\t{\"studentId\":\"a\",\"exam\":1,\"score\":0.25}\n", 0.25)]
    public void Accepts_every_number_and_whitespace_form(string json, double expected)
    {
        Assert.Equal(expected, Accepted(json).Value);
    }

    [Fact]
    public void Ignores_unknown_fields_of_any_scalar_type()
    {
        var score = Accepted("""{"studentId":"a","extra":"x","flag":true,"none":null,"n":-12.5e3,"exam":7,"score":0.5}""");
        Assert.Equal(new Score("a", 7, 0.5), score);
    }

    [Fact]
    public void Decodes_escapes_and_keeps_ids_exactly()
    {
        Assert.Equal("O'Brien \"Jr\"\\é😀/", Accepted("""{"studentId":"O'Brien \"Jr\"\\\u00e9\ud83d\ude00\/","exam":1,"score":1}""").StudentId);
        Assert.Equal("002299", Accepted("""{"studentId":"002299","exam":1,"score":1}""").StudentId);
        Assert.Equal("Zoë Ångström", Accepted("""{"studentId":"Zoë Ångström","exam":1,"score":1}""").StudentId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[1,2,3]")]
    [InlineData("""{"studentId":"a","exam":1,"score":1""")]
    [InlineData("""{"studentId":"a","exam":1,"score":1}}""")]
    [InlineData("""{"studentId":"a","exam":1,"score":1,}""")]
    [InlineData("""{"studentId":"a" "exam":1,"score":1}""")]
    [InlineData("""{"studentId":"a","exam":1,"score":}""")]
    [InlineData("""{"studentId":"a","exam":01,"score":1}""")]
    [InlineData("""{"studentId":"a","exam":1,"score":1.}""")]
    [InlineData("""{"studentId":"a","exam":1,"score":.}""")]
    [InlineData("""{"studentId":"a","exam":1,"score":1e}""")]
    [InlineData("""{"studentId":"a","exam":1,"score":NaN}""")]
    [InlineData("""{"studentId":"a","exam":1,"score":0x1}""")]
    [InlineData("""{"studentId":"a","exam":1,"score":tru}""")]
    [InlineData("""{"studentId":"a\q","exam":1,"score":1}""")]
    [InlineData("""{"studentId":"a","exam":1,"score":{"v":1}}""")]
    [InlineData("""{"studentId":["a"],"exam":1,"score":1}""")]
    [InlineData("""{'studentId':'a','exam':1,'score':1}""")]
    [InlineData("""{"studentId":"a""")]
    [InlineData("{\"studentId\":\"a\tb\",\"exam\":1,\"score\":1}")]
    public void Rejects_malformed_json(string json)
    {
        Rejected(json, RejectionReason.MalformedJson);
    }

    [Fact]
    public void Rejects_invalid_utf8()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"studentId":"ab","exam":1,"score":1}""");
        bytes[15] = 0xFF;
        var (score, rejection) = ScorePayload.Read(bytes);
        Assert.Null(score);
        Assert.Equal(RejectionReason.InvalidUtf8, rejection!.Reason);
        Rejected("""{"studentId":"\ud83d","exam":1,"score":1}""", RejectionReason.InvalidUtf8);
    }

    [Theory]
    [InlineData("""{"exam":1,"score":1}""", "studentId")]
    [InlineData("""{"studentId":"a","score":1}""", "exam")]
    [InlineData("""{"studentId":"a","exam":1}""", "score")]
    [InlineData("{}", "studentId")]
    public void Rejects_a_missing_field_by_name(string json, string field)
    {
        Assert.Contains(field, Rejected(json, RejectionReason.MissingField).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"studentId":"a","studentId":"b","exam":1,"score":1}""")]
    [InlineData("""{"studentId":"a","exam":1,"exam":2,"score":1}""")]
    [InlineData("""{"studentId":"a","exam":1,"score":1,score:0.5}""")]
    public void Rejects_a_field_given_twice(string json)
    {
        Rejected(json, RejectionReason.DuplicateField);
    }

    [Theory]
    [InlineData("""{"studentId":2299,"exam":1,"score":1}""")]
    [InlineData("""{"studentId":null,"exam":1,"score":1}""")]
    [InlineData("""{"studentId":"","exam":1,"score":1}""")]
    [InlineData("""{"studentId":"a\nb","exam":1,"score":1}""")]
    [InlineData("""{"studentId":"a\u0000","exam":1,"score":1}""")]
    public void Rejects_an_invalid_student_id(string json)
    {
        Rejected(json, RejectionReason.InvalidStudentId);
    }

    [Fact]
    public void Rejects_a_student_id_longer_than_the_bound()
    {
        Accepted($$"""{"studentId":"{{new string('x', StudentIds.MaxLength)}}","exam":1,"score":1}""");
        Rejected($$"""{"studentId":"{{new string('x', StudentIds.MaxLength + 1)}}","exam":1,"score":1}""", RejectionReason.InvalidStudentId);
    }

    [Theory]
    [InlineData("\"10393\"")]
    [InlineData("10393.5")]
    [InlineData("1e3")]
    [InlineData("-1")]
    [InlineData("9007199254740992")]
    [InlineData("99999999999999999999999")]
    [InlineData("true")]
    public void Rejects_an_invalid_exam(string exam)
    {
        Rejected($$"""{"studentId":"a","exam":{{exam}},"score":1}""", RejectionReason.InvalidExam);
    }

    [Theory]
    [InlineData("\"0.5\"")]
    [InlineData("1.0000001")]
    [InlineData("-0.1")]
    [InlineData("2")]
    [InlineData("1e400")]
    [InlineData("null")]
    public void Rejects_a_score_outside_zero_to_one(string score)
    {
        Rejected($$"""{"studentId":"a","exam":1,"score":{{score}}}""", RejectionReason.InvalidScore);
    }

    [Fact]
    public void A_rejection_reads_as_code_and_message()
    {
        var rejection = Rejected("""{"studentId":"a","exam":1,"score":2}""", RejectionReason.InvalidScore);
        Assert.Equal("invalid_score: score must be between 0 and 1, got 2", rejection.ToString());
    }
}
