using Gradebook.Feed;
using Gradebook.Operations;
using Gradebook.Storage;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gradebook.Dashboard;

/// <summary>Ingestion health: what /ingestion reports, and the newest rejections.</summary>
internal sealed class FeedModel(FeedStatus status, FeedStore feeds, ReadStore reads, TimeProvider time) : PageModel
{
    public FeedSnapshot Feed { get; private set; } = null!;

    public string State => IngestionEndpoints.StateName(Feed.State);

    public FeedCursor? Counts { get; private set; }

    public IReadOnlyList<RejectionRow> Rejections { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Feed = status.Snapshot(time.GetUtcNow());
        Counts = Feed.Source is { } source ? await feeds.GetCursorAsync(source, cancellationToken) : null;
        Rejections = await reads.RecentRejectionsAsync(20, cancellationToken);
    }
}
