using System.Text;
using Gradebook.Feed;
using Gradebook.Grading;
using Gradebook.Tests.Support;

namespace Gradebook.Tests.Feed;

/// <summary>The payload reader against the JSON Parsing Test Suite (see <see cref="JsonTestSuite"/>), case by case.</summary>
public class ScorePayloadConformanceTests
{
    private static readonly Score Expected = new("a", 1, 0.5);

    /// <summary>
    /// The invalid cases that are the relaxed form the reader also accepts (unquoted keys, a leading dot), with what it
    /// reads them as: JSON, so as a value of an unknown field they keep the score, and as a whole payload they are
    /// rejected as JSON that is not a score rather than as text that is not JSON.
    /// </summary>
    private static readonly Dictionary<string, string> RelaxedForm = new(StringComparer.Ordinal)
    {
        ["n_number_.2e-3.json"] = "[.2e-3], a leading dot: read as [0.2e-3]",
        ["n_number_neg_real_without_int_part.json"] = "[-.123], a leading dot after the sign: read as [-0.123]",
        ["n_number_starting_with_dot.json"] = "[.123], a leading dot: read as [0.123]",
        ["n_object_unquoted_key.json"] = """{a: "b"}, an unquoted key: read as {"a": "b"}""",
        ["n_object_repeated_null_null.json"] = """{null:null, null:null}, unquoted keys that happen to spell null: read as {"null":null, "null":null}""",
    };

    public static TheoryData<string> Valid => JsonTestSuite.Names("y_");

    public static TheoryData<string> Invalid => JsonTestSuite.Names("n_");

    public static TheoryData<string> ImplementationDefined => JsonTestSuite.Names("i_");

    private static (Score? Score, Rejection? Rejection) Read(string json) => ScorePayload.Read(Encoding.UTF8.GetBytes(json));

    /// <summary>The package keeps its cases as text, so none is invalid UTF-8 any more: each is a syntax error.</summary>
    private static bool IsNotJson(Rejection rejection) =>
        rejection.Reason == RejectionReason.MalformedJson && rejection.Message.StartsWith("the payload is not JSON: ", StringComparison.Ordinal);

    private static string InUnknownField(string name) => $$"""{"studentId":"a","exam":1,"score":0.5,"x":{{JsonTestSuite.Input(name)}}}""";

    [JsonTestSuiteTheory]
    [MemberData(nameof(Valid))]
    public void Valid_json_in_an_unknown_field_keeps_the_score(string name)
    {
        var (score, rejection) = Read(InUnknownField(name));
        Assert.Null(rejection);
        Assert.Equal(Expected, score);
    }

    [JsonTestSuiteTheory]
    [MemberData(nameof(Invalid))]
    public void Invalid_json_as_the_payload_is_rejected_as_not_json(string name)
    {
        var (score, rejection) = Read(JsonTestSuite.Input(name));
        Assert.Null(score);
        Assert.NotNull(rejection);
        Assert.Equal(!RelaxedForm.ContainsKey(name), IsNotJson(rejection));
    }

    [JsonTestSuiteTheory]
    [MemberData(nameof(Invalid))]
    public void Invalid_json_in_an_unknown_field_is_rejected_as_not_json(string name)
    {
        var (score, rejection) = Read(InUnknownField(name));
        if (RelaxedForm.TryGetValue(name, out var readAs))
        {
            Assert.True(rejection is null, $"{readAs}, yet rejected: {rejection}");
            Assert.Equal(Expected, score);
        }
        else
        {
            Assert.Null(score);
            Assert.True(IsNotJson(rejection!), rejection!.ToString());
        }
    }

    [JsonTestSuiteTheory]
    [MemberData(nameof(ImplementationDefined))]
    public void Implementation_defined_json_never_throws(string name)
    {
        foreach (var json in (string[])[JsonTestSuite.Input(name), InUnknownField(name)])
        {
            var (score, rejection) = Read(json);
            Assert.True((score is null) != (rejection is null));
        }
    }
}
