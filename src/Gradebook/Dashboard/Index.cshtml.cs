using Gradebook.Operations;
using Gradebook.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gradebook.Dashboard;

/// <summary>The overview's figures, as the page shows them and as its script polls them (<c>/?handler=figures</c>).</summary>
internal sealed record OverviewFigures(long Students, long Exams, long Results, double EventsPerSecond, IReadOnlyList<FeedState> Feeds);

/// <summary>One feed as the overview lists it.</summary>
internal sealed record FeedState(string Name, string State, string? Owner, double LagSeconds);

/// <summary>
/// The overview: totals, the rate now, the feeds, and the newest changes and exams as of loading; dashboard.js adds
/// the changes that come next from <c>/scores/live</c> and polls the figures.
/// </summary>
internal sealed class HomeModel(ChangeLogStore changes, ReadStore reads, IngestionReports reports, FeedHistory history) : PageModel
{
    public const int RecentExams = 50;

    public OverviewFigures Figures { get; private set; } = null!;

    public IReadOnlyList<ChangeRow> Changes { get; private set; } = [];

    public IReadOnlyList<ExamRow> Exams { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Figures = await ReadFiguresAsync(cancellationToken);
        Changes = await changes.RecentAsync(25, cancellationToken);
        Exams = await reads.RecentExamsAsync(RecentExams, cancellationToken);
    }

    public async Task<JsonResult> OnGetFiguresAsync(CancellationToken cancellationToken) =>
        new(await ReadFiguresAsync(cancellationToken));

    private async Task<OverviewFigures> ReadFiguresAsync(CancellationToken cancellationToken)
    {
        var totals = await reads.GetTotalsAsync(cancellationToken);
        var report = await reports.ReadAsync(cancellationToken);
        return new OverviewFigures(
            totals.Students,
            totals.Exams,
            totals.Results,
            history.Trends().Sum(t => t.EventsPerSecondNow),
            [.. report.Feeds.Select(f => new FeedState(f.Name, f.State, f.Owner, f.LagSeconds))]);
    }
}
