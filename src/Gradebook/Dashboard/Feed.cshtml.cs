using Gradebook.Operations;
using Gradebook.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gradebook.Dashboard;

/// <summary>What the feed page shows and its script polls (<c>/feed?handler=figures</c>): each feed now, and its last minutes.</summary>
internal sealed record FeedFigures(IReadOnlyList<FeedReport> Feeds, IReadOnlyList<FeedTrend> Trends);

/// <summary>Ingestion health: what /ingestion reports for each feed, its rate and lag over the last minutes, and the newest rejections.</summary>
internal sealed class FeedModel(IngestionReports reports, ReadStore reads, FeedHistory history) : PageModel
{
    public IReadOnlyList<FeedReport> Feeds { get; private set; } = [];

    public IReadOnlyList<RejectionRow> Rejections { get; private set; } = [];

    public double RateOf(string feed) => history.Trends().FirstOrDefault(t => t.Feed == feed)?.EventsPerSecondNow ?? 0;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Feeds = (await reports.ReadAsync(cancellationToken)).Feeds;
        Rejections = await reads.RecentRejectionsAsync(20, cancellationToken);
    }

    public async Task<JsonResult> OnGetFiguresAsync(CancellationToken cancellationToken) =>
        new(new FeedFigures((await reports.ReadAsync(cancellationToken)).Feeds, history.Trends()));
}
