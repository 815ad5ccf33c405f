using Gradebook.Storage;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gradebook.Dashboard;

/// <summary>The home page: the newest changes of the log and the newest exams, as of loading; dashboard.js adds what comes next.</summary>
internal sealed class HomeModel(ChangeLogStore changes, ReadStore reads) : PageModel
{
    public IReadOnlyList<ChangeRow> Changes { get; private set; } = [];

    public IReadOnlyList<ExamRow> Exams { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Changes = await changes.RecentAsync(25, cancellationToken);
        Exams = await reads.RecentExamsAsync(50, cancellationToken);
    }
}
