using Gradebook.Grading;
using Gradebook.Storage;

namespace Gradebook.Imports;

/// <summary>What became of one document: its id in the import record, and either its name conflicts or its rejection.</summary>
internal sealed record ImportOutcome(long ImportId, int ResultCount, IReadOnlyList<NameConflict> NameConflicts, ImportRejection? Rejection);

/// <summary>
/// Takes a received document, in any of the <see cref="DocumentFormats"/>, to the store, whole or not at all. Every document read in full is recorded raw:
/// an accepted one in the same transaction as its results, a rejected one alone with its reason.
/// </summary>
internal sealed partial class Importer(ImportStore store, TimeProvider time, ILogger<Importer> logger)
{
    /// <summary>How many conflicting student ids a log line names; the count covers them all.</summary>
    private const int MaxLoggedConflicts = 10;

    public async Task<ImportOutcome> ImportAsync(byte[] document, IDocumentFormat format, string client)
    {
        var receivedAt = time.GetUtcNow();
        // Not cancelled with the request: a document that was read in full is recorded even if its sender goes away.
        if (!format.TryRead(document, out var results, out var rejection))
        {
            var rejectedId = await store.RecordRejectedAsync(
                receivedAt, client, document, format.MediaType, rejection.ToString(), rejection.ResultCount, CancellationToken.None);
            LogRejected(rejectedId, client, rejection.Code, rejection.Message);
            return new ImportOutcome(rejectedId, 0, [], rejection);
        }

        var stored = await store.WriteAcceptedAsync(
            receivedAt, client, document, format.MediaType, [.. results.Select(r => r.AsResult())], ImportedSheet.Names(results), ImportedSheet.Sheets(results), CancellationToken.None);
        var resultNoun = Counted.Noun(results.Count, "result", "results");
        LogAccepted(stored.ImportId, client, results.Count, resultNoun, document.Length);
        if (stored.NameConflicts.Count > 0)
        {
            var studentIdsHave = Counted.Noun(stored.NameConflicts.Count, "student id has", "student ids have");
            var studentIds = string.Join(", ", stored.NameConflicts.Take(MaxLoggedConflicts).Select(c => c.StudentId));
            LogNameConflicts(stored.ImportId, stored.NameConflicts.Count, studentIdsHave, studentIds);
        }

        return new ImportOutcome(stored.ImportId, results.Count, stored.NameConflicts, null);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Import {ImportId} from {Client} accepted: {ResultCount} {ResultNoun}, {Bytes} bytes")]
    private partial void LogAccepted(long importId, string client, int resultCount, string resultNoun, int bytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Import {ImportId} from {Client} rejected ({Reason}): {Message}")]
    private partial void LogRejected(long importId, string client, string reason, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Import {ImportId}: {Count} {StudentIdsHave} more than one name on record, kept side by side: {StudentIds}")]
    private partial void LogNameConflicts(long importId, int count, string studentIdsHave, string studentIds);
}
