using Gradebook.Exams;
using Gradebook.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gradebook.Dashboard;

/// <summary>
/// One exam: its figures, its histogram and its results, sortable by score (dashboard.js keeps them live), and, when
/// its sheets carry answers, the analysis of its questions.
/// </summary>
internal sealed class ExamModel(ReadStore reads) : PageModel
{
    public ExamReport? Report { get; private set; }

    /// <summary>The item analysis; it has no items when the exam's sheets carry no answers.</summary>
    public ExamQuestions? Questions { get; private set; }

    public string Sort { get; private set; } = "score-desc";

    public IEnumerable<ExamResult> Sorted => Sort switch
    {
        "score-asc" => Report!.Results.OrderBy(r => r.Score).ThenBy(r => r.StudentId, StringComparer.Ordinal),
        "student" => Report!.Results,
        _ => Report!.Results.OrderByDescending(r => r.Score).ThenBy(r => r.StudentId, StringComparer.Ordinal),
    };

    public async Task<IActionResult> OnGetAsync(long exam, string? sort, CancellationToken cancellationToken)
    {
        Report = (await reads.GetExamAsync(exam, cancellationToken)).AsReport(exam);
        if (Report is null)
        {
            return NotFound();
        }

        Questions = ItemAnalysis.Of(exam, await reads.GetExamItemSumsAsync(exam, cancellationToken));
        Sort = sort is "score-asc" or "student" ? sort : "score-desc";
        return Page();
    }
}
