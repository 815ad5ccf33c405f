using Gradebook.Grading;
using Gradebook.Storage;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gradebook.Dashboard;

/// <summary>The student search: an exact id shows the student against each exam's average, otherwise the students whose id starts with what was typed.</summary>
internal sealed class StudentModel(ReadStore reads) : PageModel
{
    private const int MaxMatches = 20;

    public string? Query { get; private set; }

    /// <summary>The student's results in exam order, each beside its exam's average; empty when the query is not a student.</summary>
    public IReadOnlyList<StudentExamRow> Results { get; private set; } = [];

    public IReadOnlyList<StudentRow> Matches { get; private set; } = [];

    public async Task OnGetAsync(string? id, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(id) || StudentIds.Problem(id) is not null)
        {
            Query = string.IsNullOrEmpty(id) ? null : id;
            return;
        }

        Query = id;
        Results = await reads.GetStudentAgainstExamsAsync(id, cancellationToken);
        if (Results.Count == 0)
        {
            var from = await reads.StudentsFromAsync(id, MaxMatches, cancellationToken);
            Matches = [.. from.Where(s => s.StudentId.StartsWith(id, StringComparison.Ordinal))];
        }
    }
}
