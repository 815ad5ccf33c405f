using System.Data.Common;
using System.Globalization;
using System.Text;
using Gradebook.Feed;
using Gradebook.Imports;

namespace Gradebook.Storage;

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

internal abstract partial class Store
{
    private const int RebuildPage = 10_000;

    /// <summary>
    /// Re-derives results, aggregates, students' names, outcomes and feed counts from the raw records (the feed's
    /// events, then the imported documents) with today's validation rules, in one transaction. Idempotent: a second
    /// run changes nothing. Feed rejections whose cause the stored text cannot show again (invalid UTF-8, which was
    /// stored with replacement characters, and oversized events, stored cut off) are kept as they are; so are
    /// documents rejected as not results documents (see <see cref="Rederive(ImportRecord, byte[])"/>).
    /// </summary>
    public async Task<RebuildReport> RebuildAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        await ExecuteAsync(connection, transaction, SqlScripts.Get("writes/reset_derived.sql", Dialect), cancellationToken);

        var counts = new Dictionary<string, (long Accepted, long Rejected, long Ignored)>(StringComparer.Ordinal);
        long events = 0, changed = 0, after = 0;
        var page = SqlScripts.Get("queries/raw_events_page.sql", Dialect);
        await using var update = connection.Command(SqlScripts.Get("writes/update_raw_outcome.sql", Dialect), transaction);
        var outcomeParameter = update.Add("outcome", null);
        var reasonParameter = update.Add("reason", null);
        var idParameter = update.Add("id", null);
        while (true)
        {
            var rows = await ReadRawPageAsync(connection, transaction, page, after, cancellationToken);
            if (rows.Count == 0)
            {
                break;
            }

            var staged = new List<StagedResult>();
            foreach (var row in rows)
            {
                var derived = Rederive(row);
                if (derived.Score is { } score)
                {
                    staged.Add(new StagedResult(score.StudentId, score.Exam, score.Value, 1.0));
                }

                var reason = derived.Rejection?.ToString();
                if (OutcomeName(derived.Outcome) != row.Outcome || reason != row.Reason)
                {
                    outcomeParameter.Value = OutcomeName(derived.Outcome);
                    reasonParameter.Value = (object?)reason ?? DBNull.Value;
                    idParameter.Value = row.Id;
                    await update.ExecuteNonQueryAsync(cancellationToken);
                    changed++;
                }

                var c = counts.GetValueOrDefault(row.Source);
                counts[row.Source] = derived.Outcome switch
                {
                    EventOutcome.Accepted => c with { Accepted = c.Accepted + 1 },
                    EventOutcome.Rejected => c with { Rejected = c.Rejected + 1 },
                    _ => c with { Ignored = c.Ignored + 1 },
                };
            }

            await MergeAsync(connection, transaction, staged, cancellationToken);
            events += rows.Count;
            after = rows[^1].Id;
        }

        await using (var advance = connection.Command(_advanceFeed, transaction))
        {
            var source = advance.Add("source", null);
            advance.Add("last_event_id", null);
            var accepted = advance.Add("accepted", null);
            var rejected = advance.Add("rejected", null);
            var ignored = advance.Add("ignored", null);
            foreach (var (name, c) in counts)
            {
                (source.Value, accepted.Value, rejected.Value, ignored.Value) = (name, c.Accepted, c.Rejected, c.Ignored);
                await advance.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        var imports = await RederiveImportsAsync(connection, transaction, cancellationToken);
        await ExecuteAsync(connection, transaction, SqlScripts.Get("writes/recompute_aggregates.sql", Dialect), cancellationToken);
        await using var countResults = connection.Command("SELECT COUNT(*) FROM results", transaction);
        var results = Convert.ToInt64(await countResults.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        await transaction.CommitAsync(cancellationToken);

        return new RebuildReport(
            events,
            counts.Values.Sum(c => c.Accepted),
            counts.Values.Sum(c => c.Rejected),
            counts.Values.Sum(c => c.Ignored),
            changed,
            imports.Imports,
            imports.Accepted,
            imports.Imports - imports.Accepted,
            imports.Changed,
            results);
    }

    /// <summary>
    /// Goes through the import records in id order, one document in memory at a time: merges the results and names of
    /// each document today's rules accept, and records each outcome, reason or result count that changed. Returns how
    /// many records there are, how many are accepted, and how many changed.
    /// </summary>
    private async Task<(long Imports, long Accepted, long Changed)> RederiveImportsAsync(
        DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var next = connection.Command(Sql("queries/next_import.sql"), transaction);
        var after = next.Add("after", 0L);
        await using var update = connection.Command(Sql("writes/update_import_outcome.sql"), transaction);
        var outcome = update.Add("outcome", null);
        var reason = update.Add("reason", null);
        var resultCount = update.Add("result_count", null);
        var id = update.Add("id", null);
        long imports = 0, accepted = 0, changed = 0;
        while (await ReadImportAsync(next, cancellationToken) is (var recorded, var document))
        {
            var (derived, results) = Rederive(recorded, document);
            if (results is not null)
            {
                await MergeImportAsync(connection, transaction, recorded.Id, results, cancellationToken);
                accepted++;
            }

            if (derived != recorded)
            {
                (outcome.Value, reason.Value, resultCount.Value, id.Value) =
                    (derived.Outcome, (object?)derived.Reason ?? DBNull.Value, (object?)derived.ResultCount ?? DBNull.Value, derived.Id);
                await update.ExecuteNonQueryAsync(cancellationToken);
                changed++;
            }

            imports++;
            after.Value = recorded.Id;
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
    private static (ImportRecord Derived, IReadOnlyList<MarkrResult>? Results) Rederive(ImportRecord recorded, byte[] document)
    {
        if (recorded.Outcome == "rejected"
            && recorded.Reason is { } recordedReason
            && ImportRejection.ReasonOf(recordedReason) is ImportRejectionReason.MalformedXml or ImportRejectionReason.NotResults)
        {
            return (recorded, null);
        }

        var (results, rejection) = MarkrReader.Read(document);
        return rejection is null
            ? (recorded with { Outcome = "accepted", Reason = null, ResultCount = results!.Count }, results)
            : (recorded with { Outcome = "rejected", Reason = rejection.ToString(), ResultCount = rejection.ResultCount }, null);
    }

    /// <summary>The import record <c>next_import.sql</c> finds after the id its parameter holds, with its document; null after the last.</summary>
    private static async Task<(ImportRecord Record, byte[] Document)?> ReadImportAsync(DbCommand next, CancellationToken cancellationToken)
    {
        await using var reader = await next.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var record = new ImportRecord(
            reader.GetInt64(0),
            reader.GetString(1),
            reader.IsDBNull(2) ? null : reader.GetString(2),
            reader.IsDBNull(3) ? null : Convert.ToInt32(reader.GetValue(3), CultureInfo.InvariantCulture));
        return (record, reader.GetFieldValue<byte[]>(4));
    }

    private static FeedEvent Rederive(RawRow row)
    {
        if (row.Reason is { } reason && Rejection.Parse(reason).Reason is RejectionReason.InvalidUtf8 or RejectionReason.OversizedEvent)
        {
            return new FeedEvent(null, row.EventType, row.Data, row.ReceivedAt, null, Rejection.Parse(reason));
        }

        return FeedEvent.Read(row.EventType, Encoding.UTF8.GetBytes(row.Data), row.ReceivedAt);
    }

    private static async Task<List<RawRow>> ReadRawPageAsync(
        DbConnection connection, DbTransaction transaction, string sql, long after, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(sql, transaction);
        command.Add("after", after);
        command.Add("limit", RebuildPage);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<RawRow>(RebuildPage);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new RawRow(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(4),
                reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6)));
        }

        return rows;
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(sql, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>An import record's outcome, reason and result count, as the <c>imports</c> table holds them.</summary>
    private sealed record ImportRecord(long Id, string Outcome, string? Reason, int? ResultCount);

    private sealed record RawRow(long Id, string Source, string EventType, string Data, DateTimeOffset ReceivedAt, string Outcome, string? Reason);
}
