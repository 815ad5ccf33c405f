namespace Gradebook.Grading;

/// <summary>A validated score from the live feed: a fraction in [0, 1] for one student in one exam.</summary>
internal readonly record struct Score(string StudentId, long Exam, double Value)
{
    /// <summary>The score as a result: <see cref="Value"/> marks out of 1.</summary>
    public MarkedResult AsResult() => new(StudentId, Exam, Value, 1.0);
}
