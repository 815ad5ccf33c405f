namespace Gradebook.Grading;

/// <summary>
/// One result on its way into the store, from any source: the marks a student obtained out of those available in an
/// exam (a feed score is a mark out of 1). The highest-marks rule folds repeats of the same (exam, student): the
/// highest obtained and, separately, the highest available are kept, and the score is obtained / available, whatever
/// the order of arrival. The rule is carried out set-wise by <c>Storage/writes/merge_results.sql</c>.
/// </summary>
internal readonly record struct MarkedResult(string StudentId, long Exam, double Obtained, double Available);
