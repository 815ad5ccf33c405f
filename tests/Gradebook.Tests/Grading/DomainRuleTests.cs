using Gradebook.Grading;

namespace Gradebook.Tests.Grading;

/// <summary>The rules every source and every endpoint share.</summary>
public sealed class DomainRuleTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("10393", 10393L)]
    [InlineData("9007199254740991", 9007199254740991L)]
    public void An_exam_number_is_digits_up_to_two_to_the_53rd_minus_one(string text, long expected)
    {
        Assert.True(ExamNumbers.TryParse(text, out var exam));
        Assert.Equal(expected, exam);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData(" 1")]
    [InlineData("1.0")]
    [InlineData("1e3")]
    [InlineData("9007199254740992")]
    [InlineData("99999999999999999999")]
    public void Anything_else_is_not_an_exam_number(string text) => Assert.False(ExamNumbers.TryParse(text, out _));

    [Theory]
    [InlineData("002299")]
    [InlineData("O'Brien/Jr")]
    [InlineData("é 学生")]
    public void A_student_id_is_any_short_text_without_control_characters(string id) => Assert.Null(StudentIds.Problem(id));

    [Theory]
    [InlineData("", "must not be empty")]
    [InlineData("a\nb", "control characters")]
    [InlineData("a\u0000", "control characters")]
    public void A_student_id_that_breaks_the_rule_says_why(string id, string problem) =>
        Assert.Contains(problem, StudentIds.Problem(id), StringComparison.Ordinal);

    [Fact]
    public void A_student_id_may_have_128_characters_and_no_more()
    {
        Assert.Null(StudentIds.Problem(new string('x', StudentIds.MaxLength)));
        Assert.Contains("at most 128", StudentIds.Problem(new string('x', StudentIds.MaxLength + 1)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_score_is_a_result_out_of_one()
    {
        Assert.Equal(new MarkedResult("amy", 3, 0.25, 1.0), new Score("amy", 3, 0.25).AsResult());
    }

    [Fact]
    public void Outcomes_are_counted_each_apart()
    {
        var counts = new OutcomeCounts(0, 0, 0).Add(EventOutcome.Accepted).Add(EventOutcome.Accepted).Add(EventOutcome.Ignored);
        Assert.Equal(new OutcomeCounts(2, 0, 1), counts);
        Assert.Equal(3, counts.Total);
    }
}
