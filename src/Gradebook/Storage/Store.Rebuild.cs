using System.Data.Common;
using System.Text;
using Gradebook.Feed;

namespace Gradebook.Storage;

/// <summary>What a rebuild did.</summary>
internal sealed record RebuildReport(long Events, long Accepted, long Rejected, long Ignored, long OutcomesChanged, long Results);

internal abstract partial class Store
{
    private const int RebuildPage = 10_000;

    /// <summary>
    /// Re-derives results, aggregates, outcomes and feed counts from the raw record with today's validation rules,
    /// in one transaction. Idempotent: a second run changes nothing. Rejections whose cause the stored text cannot
    /// show again (invalid UTF-8, which was stored with replacement characters, and oversized events, stored cut off)
    /// are kept as they are.
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

        await ExecuteAsync(connection, transaction, SqlScripts.Get("writes/recompute_aggregates.sql", Dialect), cancellationToken);
        await using var countResults = connection.Command("SELECT COUNT(*) FROM results", transaction);
        var results = Convert.ToInt64(await countResults.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        await transaction.CommitAsync(cancellationToken);

        return new RebuildReport(
            events, counts.Values.Sum(c => c.Accepted), counts.Values.Sum(c => c.Rejected), counts.Values.Sum(c => c.Ignored), changed, results);
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

    private sealed record RawRow(long Id, string Source, string EventType, string Data, DateTimeOffset ReceivedAt, string Outcome, string? Reason);
}
