namespace Gradebook.Feed;

/// <summary>A validated score from the live feed: a fraction in [0, 1] for one student in one exam.</summary>
internal readonly record struct Score(string StudentId, long Exam, double Value);
