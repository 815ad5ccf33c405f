using Gradebook.Feed;
using Gradebook.Grading;
using Gradebook.Storage;

namespace Gradebook.Tests.Support;

/// <summary>Builds feed events the way the reader does, and stores them the way the writer does.</summary>
internal static class Scores
{
    private static long _nextId;

    public static FeedEvent Event(string studentId, long exam, double score, string? eventId = null)
    {
        var json = System.Text.Json.JsonSerializer.Serialize(new { studentId, exam, score });
        return Raw(json, eventId);
    }

    public static FeedEvent Raw(string data, string? eventId = null, string eventType = "score") =>
        FeedEvents.Read(eventType, System.Text.Encoding.UTF8.GetBytes(data), DateTimeOffset.UtcNow) with
        {
            EventId = eventId ?? Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };

    public static Task WriteAsync(StoreHarness store, params (string Student, long Exam, double Score)[] scores) =>
        store.WriteFeedBatchAsync("test", scores.Select(s => Event(s.Student, s.Exam, s.Score)).ToList(), CancellationToken.None);

    public static async Task<StoreHarness> NewSqliteStoreAsync(TempDirectory directory)
    {
        var store = new StoreHarness(new SqliteEngine(directory.SqliteConnectionString()));
        await store.MigrateAsync(CancellationToken.None);
        return store;
    }
}
