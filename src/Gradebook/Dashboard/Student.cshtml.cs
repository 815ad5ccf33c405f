using Gradebook.Grading;
using Gradebook.Storage;
using Gradebook.Students;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gradebook.Dashboard;

/// <summary>The student search: an exact id shows the student, otherwise the students whose id starts with what was typed.</summary>
internal sealed class StudentModel(ReadStore reads) : PageModel
{
    private const int MaxMatches = 20;

    public string? Query { get; private set; }

    public StudentDetails? Student { get; private set; }

    public IReadOnlyList<StudentRow> Matches { get; private set; } = [];

    public async Task OnGetAsync(string? id, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(id) || StudentIds.Problem(id) is not null)
        {
            Query = string.IsNullOrEmpty(id) ? null : id;
            return;
        }

        Query = id;
        Student = (await reads.GetStudentAsync(id, cancellationToken)).AsDetails(id);
        if (Student is null)
        {
            var from = await reads.StudentsFromAsync(id, MaxMatches, cancellationToken);
            Matches = [.. from.Where(s => s.StudentId.StartsWith(id, StringComparison.Ordinal))];
        }
    }
}
