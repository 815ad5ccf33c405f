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
    public void Keeps_the_score_of_an_event_with_a_nested_unknown_field()
    {
        var score = Accepted("""{"studentId":"a","exam":1,"score":0.5,"meta":{"x":[1,2]}}""");
        Assert.Equal(new Score("a", 1, 0.5), score);
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""[]""")]
    [InlineData("""[[],{},[{}],{"":[]}]""")]
    [InlineData("""{"a":{"b":{"c":[1,{"d":[true,false,null]}]}}}""")]
    [InlineData("""123456789012345678901234567890123456789""")]
    [InlineData("""-1.5e+9999""")]
    [InlineData("""[1e-400, -0, 0.0e0, 1E400]""")]
    [InlineData("""" "\"\\\/\b\f\n\r\t\u0000\u00e9\ud83d\ude00" """")]
    [InlineData("""{"studentId":"b","exam":2,"score":3}""")]
    [InlineData("""{"é":"😀","日本":[" "],"\u0000":null}""")]
    [InlineData("""{"dup":1,"dup":[2],"dup":{}}""")]
    [InlineData(" [ 1 , \n\t\r 2 ] ")]
    public void Ignores_any_json_value_in_an_unknown_field(string value)
    {
        var score = Accepted($$"""{"studentId":"a","exam":1,"score":0.5,"x":{{value}},"y":{{value}}}""");
        Assert.Equal(new Score("a", 1, 0.5), score);
    }

    [Fact]
    public void Ignores_an_unknown_field_given_twice()
    {
        Assert.Equal(0.5, Accepted("""{"x":1,"studentId":"a","x":{"y":2},"exam":1,"x":[],"score":0.5}""").Value);
    }

    [Fact]
    public void Ignores_values_nested_up_to_the_depth_bound_and_rejects_deeper_ones()
    {
        // The payload's own object is one level, the unknown field's value the rest.
        var deepest = new string('[', ScorePayload.MaxDepth - 1) + new string(']', ScorePayload.MaxDepth - 1);
        Accepted($$"""{"studentId":"a","exam":1,"score":0.5,"x":{{deepest}}}""");

        var tooDeep = $$"""{"studentId":"a","exam":1,"score":0.5,"x":[{{deepest}}]}""";
        Assert.Contains("depth", Rejected(tooDeep, RejectionReason.MalformedJson).Message, StringComparison.Ordinal);
        var farTooDeep = $$"""{"studentId":"a","exam":1,"score":0.5,"x":{{new string('[', 100_000)}}}""";
        Rejected(farTooDeep, RejectionReason.MalformedJson);
    }

    [Fact]
    public void Reads_the_relaxed_form_anywhere_outside_strings()
    {
        var score = Accepted("""{ $id_1: "x", studentId: "a .5: {b: .5}", exam: 1, score: -.0, meta: {x: [.5, -.25, {y: .125}]} }""");
        Assert.Equal(new Score("a .5: {b: .5}", 1, 0.0), score);
    }

    [Fact]
    public void Reads_a_known_key_written_with_escapes()
    {
        Assert.Equal(new Score("a", 1, 0.5), Accepted("""{"stud\u0065ntId":"a","\u0065xam":1,"scor\u0065":0.5}"""));
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
    [InlineData("""{'studentId':'a','exam':1,'score':1}""")]
    [InlineData("""{"studentId":"a""")]
    [InlineData("{\"studentId\":\"a\tb\",\"exam\":1,\"score\":1}")]
    [InlineData("\"studentId\"")]
    [InlineData("null")]
    [InlineData("\uFEFF{\"studentId\":\"a\",\"exam\":1,\"score\":1}")]
    [InlineData("""{"studentId":"a","exam":1,"score":1,"x":[1,2}""")]
    [InlineData("""{"studentId":"a","exam":1,"score":1,"x":{"y":1,}}""")]
    [InlineData("""{"studentId":"a","exam":1,"score":1,"x":[1]]}""")]
    [InlineData("""{"studentId":"a","exam":1,"score":1,"x":{a b: 1}}""")]
    [InlineData("""{studentId:"a",exam:1,score:1} {}""")]
    [InlineData("""{studentId:"a",exam:1,score:1,}""")]
    [InlineData("""{"studentId":"a","exam":1,"score":- .5}""")]
    [InlineData("""{"studentId":"a","exam":1,"score":+.5}""")]
    [InlineData("""{"studentId":"a","exam":1,"score":1.5.5}""")]
    [InlineData("""{"studentId":"a","exam":1,"score":1 /* a comment */}""")]
    public void Rejects_malformed_json(string json)
    {
        Rejected(json, RejectionReason.MalformedJson);
    }

    [Theory]
    [InlineData("[1,2,3]", "the payload must be a JSON object")]
    [InlineData("\"a\"", "the payload must be a JSON object")]
    [InlineData("[1,2", "the payload is not JSON: ")]
    [InlineData("[.5]", "the payload must be a JSON object")]
    [InlineData("[1] [2]", "the payload is not JSON: ")]
    public void Tells_json_that_is_not_an_object_from_text_that_is_not_json(string json, string message)
    {
        Assert.StartsWith(message, Rejected(json, RejectionReason.MalformedJson).Message, StringComparison.Ordinal);
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

    [Fact]
    public void Rejects_invalid_utf8_anywhere_in_the_payload()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"studentId":"a","exam":1,"score":1,"x":["ab"]}""");
        bytes[^4] = 0xC0;
        var (score, rejection) = ScorePayload.Read(bytes);
        Assert.Null(score);
        Assert.Equal(RejectionReason.InvalidUtf8, rejection!.Reason);
    }

    [Fact]
    public void Rejects_an_unpaired_surrogate_escape_in_a_key()
    {
        Rejected("""{"studentId":"a","exam":1,"score":1,"\udfaa\ud800":0}""", RejectionReason.InvalidUtf8);
    }

    [Fact]
    public void Skips_an_unknown_value_without_decoding_its_escapes()
    {
        // Its escapes are valid JSON whatever UTF-16 they spell; only the values Gradebook keeps are decoded.
        Assert.Equal(new Score("a", 1, 1), Accepted("""{"studentId":"a","exam":1,"score":1,"x":"\ud800\ud800"}"""));
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
    [InlineData("""{"studentId":["a"],"exam":1,"score":1}""")]
    [InlineData("""{"studentId":{"id":"a"},"exam":1,"score":1}""")]
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
    [InlineData("1.0")]
    [InlineData("1E+0")]
    [InlineData("-.5")]
    [InlineData("[1]")]
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
    [InlineData("-.5")]
    [InlineData("{\"v\":1}")]
    [InlineData("[0.5]")]
    public void Rejects_a_score_that_is_not_a_number_from_zero_to_one(string score)
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
