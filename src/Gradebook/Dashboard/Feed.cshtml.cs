using Gradebook.Operations;
using Gradebook.Storage;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gradebook.Dashboard;

/// <summary>Ingestion health: what /ingestion reports for each feed, and the newest rejections.</summary>
internal sealed class FeedModel(IngestionReports reports, ReadStore reads) : PageModel
{
    public IReadOnlyList<FeedReport> Feeds { get; private set; } = [];

    public IReadOnlyList<RejectionRow> Rejections { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Feeds = (await reports.ReadAsync(cancellationToken)).Feeds;
        Rejections = await reads.RecentRejectionsAsync(20, cancellationToken);
    }
}
