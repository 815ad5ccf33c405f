using System.Globalization;

namespace Gradebook.Storage;

/// <summary>
/// A period of the raw record that retention archives and drops as one. On PostgreSQL, the partitions of the raw
/// record's three tables with these bounds (<see cref="From"/> null: the legacy partitions of migration 0016, everything
/// recorded before it). On SQLite, one UTC day, by when each batch's first event and each document was received.
/// </summary>
internal sealed record RawRecordPeriod(DateTimeOffset? From, DateTimeOffset To)
{
    /// <summary>The period in a file name: <c>2026-12-03</c> for a UTC day, its bounds otherwise.</summary>
    public string Name => From is { } from
        ? from.TimeOfDay == TimeSpan.Zero && To - from == TimeSpan.FromDays(1)
            ? from.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : $"{Compact(from)}-{Compact(To)}"
        : $"until-{Compact(To)}";

    public override string ToString() => From is { } from ? $"[{from:O}, {To:O})" : $"everything before {To:O}";

    private static string Compact(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfffffff'Z'", CultureInfo.InvariantCulture);
}

/// <summary>A row of <c>raw_batches</c> as an archive holds it.</summary>
internal sealed record ArchivedBatch
{
    public required long Id { get; init; }

    public required string Source { get; init; }

    public required long EventCount { get; init; }

    public required string Events { get; init; }

    public required string Outcomes { get; init; }

    /// <summary>When PostgreSQL recorded it; null on SQLite and in the legacy partition.</summary>
    public DateTimeOffset? RecordedAt { get; init; }
}

/// <summary>A row of <c>rejected_events</c> as an archive holds it.</summary>
internal sealed record ArchivedRejection
{
    public required long Id { get; init; }

    public required long BatchId { get; init; }

    public required long Position { get; init; }

    public required string Source { get; init; }

    public string? EventId { get; init; }

    public required string EventType { get; init; }

    public required string Data { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }

    public required string Reason { get; init; }

    public DateTimeOffset? RecordedAt { get; init; }
}

/// <summary>A row of <c>imports</c> as an archive holds it: the document byte for byte.</summary>
internal sealed record ArchivedImport
{
    public required long Id { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }

    public required byte[] Document { get; init; }

    public required string MediaType { get; init; }

    public required string Outcome { get; init; }

    public string? Reason { get; init; }

    public long? ResultCount { get; init; }

    public string? Client { get; init; }

    public DateTimeOffset? RecordedAt { get; init; }
}

/// <summary>One row of a period of the raw record: exactly one of the three is set.</summary>
internal sealed record ArchivedRow(ArchivedBatch? Batch = null, ArchivedRejection? Rejection = null, ArchivedImport? Import = null);

/// <summary>How much of the raw record a period held.</summary>
internal sealed record RawRecordCounts(long Batches, long Events, long Rejections, long Imports)
{
    public static readonly RawRecordCounts None = new(0, 0, 0, 0);

    public RawRecordCounts Add(ArchivedRow row) => new(
        Batches + (row.Batch is null ? 0 : 1),
        Events + (row.Batch?.EventCount ?? 0),
        Rejections + (row.Rejection is null ? 0 : 1),
        Imports + (row.Import is null ? 0 : 1));

    public override string ToString() =>
        $"{Batches} batch rows ({Events} events), {Rejections} rejections, {Imports} documents";
}

/// <summary>A row of <c>raw_record_drops.sql</c>: a period retention dropped, not restored since.</summary>
internal sealed record RawRecordDrop
{
    public DateTimeOffset? FromAt { get; init; }

    public required DateTimeOffset ToAt { get; init; }

    public required DateTimeOffset DroppedAt { get; init; }

    public required string Counts { get; init; }

    public string? Archive { get; init; }

    public RawRecordPeriod Period => new(FromAt, ToAt);
}
