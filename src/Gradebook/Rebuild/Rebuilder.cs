using System.Text;
using Gradebook.Feed;
using Gradebook.Grading;
using Gradebook.Imports;
using Gradebook.Storage;

namespace Gradebook.Rebuild;

/// <summary>What a rebuild did: the feed's raw events and the import records it went through, and the results it ended with.</summary>
internal sealed record RebuildReport(
    long Events,
    long Accepted,
    long Rejected,
    long Ignored,
    long OutcomesChanged,
    long Imports,
    long ImportsAccepted,
    long ImportsRejected,
    long ImportOutcomesChanged,
    long Results);

/// <summary>
/// Re-derives results, aggregates, students' names, outcomes and feed counts from the raw records (the feed's events,
/// then the imported documents) with today's readers and rules, in one transaction. Idempotent: a second run changes
/// nothing. The store supplies the records and takes the results; the feed's and the imports' readers say what each
/// record means today.
/// </summary>
internal sealed class Rebuilder(RebuildStore store)
{
    private const int Page = 10_000;

    public async Task<RebuildReport> RunAsync(CancellationToken cancellationToken)
    {
        await using var rebuild = await store.BeginAsync(cancellationToken);
        var events = await RederiveEventsAsync(rebuild, cancellationToken);
        var imports = await RederiveImportsAsync(rebuild, cancellationToken);
        var results = await rebuild.RecomputeAggregatesAsync(cancellationToken);
        await rebuild.CommitAsync(cancellationToken);
        return new RebuildReport(
            events.Counts.Total,
            events.Counts.Accepted,
            events.Counts.Rejected,
            events.Counts.Ignored,
            events.Changed,
            imports.Imports,
            imports.Accepted,
            imports.Imports - imports.Accepted,
            imports.Changed,
            results);
    }

    /// <summary>
    /// Reads the raw record a page of whole batches at a time: merges each page's scores, writes again the outcomes of
    /// each batch in which one changed, and recounts each feed.
    /// </summary>
    private static async Task<(OutcomeCounts Counts, long Changed)> RederiveEventsAsync(RebuildTransaction rebuild, CancellationToken cancellationToken)
    {
        var bySource = new Dictionary<string, OutcomeCounts>(StringComparer.Ordinal);
        long changed = 0, after = 0;
        while (await rebuild.ReadRawBatchesAsync(after, Page, cancellationToken) is { Batches.Count: > 0 } page)
        {
            var scores = new List<MarkedResult>();
            foreach (var batch in page.Batches)
            {
                var raw = RawBatch.Read(batch.Events);
                var derived = new List<FeedEvent>(raw.Count);
                var batchChanged = 0;
                for (var i = 0; i < raw.Count; i++)
                {
                    var recordedReason = page.Reasons.GetValueOrDefault((batch.Id, i));
                    var e = Rederive(raw[i], recordedReason);
                    if (e.Score is { } score)
                    {
                        scores.Add(score.AsResult());
                    }

                    if (e.Outcome != RawBatch.Outcome(batch.Outcomes[i]) || e.Rejection?.ToString() != recordedReason)
                    {
                        batchChanged++;
                    }

                    bySource[batch.Source] = bySource.GetValueOrDefault(batch.Source).Add(e.Outcome);
                    derived.Add(e);
                }

                if (batchChanged > 0)
                {
                    await rebuild.ReplaceOutcomesAsync(batch, derived, cancellationToken);
                    changed += batchChanged;
                }
            }

            await rebuild.MergeAsync(scores, cancellationToken);
            after = page.Batches[^1].Id;
        }

        var total = new OutcomeCounts(0, 0, 0);
        foreach (var (source, counts) in bySource)
        {
            await rebuild.CountFeedAsync(source, counts.Total, counts, cancellationToken);
            total = new OutcomeCounts(total.Accepted + counts.Accepted, total.Rejected + counts.Rejected, total.Ignored + counts.Ignored);
        }

        return (total, changed);
    }

    /// <summary>
    /// What today's reader makes of a raw event. Rejections whose cause the stored text cannot show again (invalid
    /// UTF-8, stored with replacement characters, and oversized events, stored cut off) are kept as recorded.
    /// </summary>
    private static FeedEvent Rederive(RawEvent raw, string? recordedReason)
    {
        if (recordedReason is not null && Rejection.Parse(recordedReason) is { Reason: RejectionReason.InvalidUtf8 or RejectionReason.OversizedEvent } kept)
        {
            return new FeedEvent(raw.EventId, raw.EventType, raw.Data, raw.ReceivedAt, null, kept);
        }

        return FeedEvents.Read(raw.EventType, Encoding.UTF8.GetBytes(raw.Data), raw.ReceivedAt) with { EventId = raw.EventId };
    }

    /// <summary>
    /// Goes through the import records in id order, one document in memory at a time: merges the results and names of
    /// each document today's rules accept, and records each outcome, reason or result count that changed.
    /// </summary>
    private static async Task<(long Imports, long Accepted, long Changed)> RederiveImportsAsync(
        RebuildTransaction rebuild, CancellationToken cancellationToken)
    {
        long imports = 0, accepted = 0, changed = 0, after = 0;
        while (await rebuild.NextImportAsync(after, cancellationToken) is { } recorded)
        {
            var (derived, results) = Rederive(recorded);
            if (results is not null)
            {
                await rebuild.MergeImportAsync(
                    recorded.Id, [.. results.Select(r => r.AsResult())], ImportedSheet.Names(results), ImportedSheet.Sheets(results), cancellationToken);
                accepted++;
            }

            if (derived != (recorded.Outcome, recorded.Reason, recorded.ResultCount))
            {
                await rebuild.SetImportOutcomeAsync(recorded.Id, derived.Outcome, derived.Reason, derived.ResultCount, cancellationToken);
                changed++;
            }

            imports++;
            after = recorded.Id;
        }

        return (imports, accepted, changed);
    }

    /// <summary>
    /// What today's reader makes of a recorded document: the record as it should read, and the results to merge when
    /// it is accepted. A document accepted before that fails today is rejected, with today's reason. A document
    /// rejected for invalid results (a 422) that passes today is accepted: its results are valid by the rules every
    /// result is now held to, and a corrected copy its sender may have sent since merges with it by the highest-marks
    /// rule, like any re-scan. A document rejected as not a results document at all (malformed_xml or not_results, a
    /// 400) is kept as recorded, unread: its sender was told that its software sent the wrong thing, not that the
    /// marks were wrong, so whatever it was is not made into results after the fact. The record does not say whether
    /// such a rejection was made on receipt or by an earlier rebuild, so it is kept either way.
    /// </summary>
    private static ((string Outcome, string? Reason, int? ResultCount) Record, IReadOnlyList<ImportedSheet>? Results) Rederive(ImportRow recorded)
    {
        var asRecorded = (recorded.Outcome, recorded.Reason, recorded.ResultCount);
        if (recorded.Outcome == "rejected"
            && recorded.Reason is { } recordedReason
            && ImportRejection.ReasonOf(recordedReason) is ImportRejectionReason.MalformedXml or ImportRejectionReason.MalformedDocument or ImportRejectionReason.NotResults)
        {
            return (asRecorded, null);
        }

        return DocumentFormats.ForRecorded(recorded.MediaType).TryRead(recorded.Document, out var results, out var rejection)
            ? (("accepted", null, results.Count), results)
            : (("rejected", rejection.ToString(), rejection.ResultCount), null);
    }
}
