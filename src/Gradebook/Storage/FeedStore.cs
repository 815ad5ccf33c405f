namespace Gradebook.Storage;

/// <summary>A feed's record: where it resumes and its counts by outcome, kept by every batch (<see cref="BatchWriter"/>).</summary>
internal sealed class FeedStore(StoreEngine engine)
{
    /// <summary>Where a feed resumes and its counts, or null for a feed never written to.</summary>
    public async Task<FeedCursor?> GetCursorAsync(string source, CancellationToken cancellationToken) =>
        (await engine.QueryAsync<FeedCursor>(Sql.GetFeed, new { source }, cancellationToken)).SingleOrDefault();
}
