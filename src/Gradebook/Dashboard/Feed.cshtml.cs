using Gradebook.Feed;
using Gradebook.Fleet;
using Gradebook.Ingestion;
using Gradebook.Operations;
using Gradebook.Storage;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gradebook.Dashboard;

/// <summary>One feed on the ingestion page: what this instance sees of it, its owner, and its counts from the database.</summary>
internal sealed record FeedView(string Name, string? Owner, FeedSnapshot Status, FeedCursor? Counts)
{
    public string State => Status.StateName;
}

/// <summary>Ingestion health: what /ingestion reports for each feed, and the newest rejections.</summary>
internal sealed class FeedModel(FeedCatalog catalog, FeedSupervisor supervisor, FeedStore feeds, ReadStore reads, TimeProvider time) : PageModel
{
    public IReadOnlyList<FeedView> Feeds { get; private set; } = [];

    public IReadOnlyList<RejectionRow> Rejections { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var views = new List<FeedView>();
        foreach (var feed in catalog.Feeds)
        {
            var counts = await feeds.GetCursorAsync(feed.Name, cancellationToken);
            views.Add(new FeedView(feed.Name, supervisor.View.OwnerOf(feed.Name), feed.Status.Snapshot(now), counts));
        }

        Feeds = views;
        Rejections = await reads.RecentRejectionsAsync(20, cancellationToken);
    }
}
