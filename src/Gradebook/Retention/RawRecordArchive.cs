using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Gradebook.Storage;

namespace Gradebook.Retention;

/// <summary>
/// An archive of one period of the raw record: a gzip file of JSON lines. The first line says what it is (the format
/// and the period), each next line is one row of <c>raw_batches</c>, <c>rejected_events</c> or <c>imports</c> with
/// every column (a document's bytes in base64), and the last line counts them, so a file cut short is told apart from
/// a whole one. Plain JSON, so an archive outlives the schema and any tool reads it (<c>zcat F | jq</c>), and one from
/// SQLite restores into PostgreSQL. Written to a <c>.partial</c> file, flushed to the disk, then renamed: a file under
/// the archive's name is always whole.
/// </summary>
internal static class RawRecordArchive
{
    public const int Format = 1;

    public static string FileName(RawRecordPeriod period) => $"gradebook-raw-record-{period.Name}.jsonl.gz";

    /// <summary>Writes <paramref name="rows"/> as the archive of <paramref name="period"/> in <paramref name="directory"/>; returns its path and counts.</summary>
    public static async Task<(string Path, RawRecordCounts Counts)> WriteAsync(
        string directory, RawRecordPeriod period, IAsyncEnumerable<ArchivedRow> rows, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var path = Path.GetFullPath(Path.Combine(directory, FileName(period)));
        var partial = path + ".partial";
        var counts = RawRecordCounts.None;
        await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
        {
            await using (var gzip = new GZipStream(file, CompressionLevel.Fastest, leaveOpen: true))
            {
                await WriteLineAsync(gzip, new ArchiveLine { Archive = new ArchiveHeader(Format, period.From, period.To) }, cancellationToken);
                await foreach (var row in rows.WithCancellation(cancellationToken))
                {
                    await WriteLineAsync(gzip, new ArchiveLine { Batch = row.Batch, Rejection = row.Rejection, Import = row.Import }, cancellationToken);
                    counts = counts.Add(row);
                }

                await WriteLineAsync(gzip, new ArchiveLine { End = counts }, cancellationToken);
            }

            file.Flush(flushToDisk: true);
        }

        File.Move(partial, path, overwrite: true);
        return (path, counts);
    }

    /// <summary>Reads an archive's first line: the period it holds. A file that is not an archive is an <see cref="InvalidDataException"/>.</summary>
    public static async Task<RawRecordPeriod> ReadPeriodAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        using var reader = new StreamReader(new GZipStream(file, CompressionMode.Decompress), Encoding.UTF8);
        return Header(await ReadLineAsync(reader, path, 1, cancellationToken), path);
    }

    /// <summary>
    /// Reads an archive's rows, in order. A file that is not an archive, or is cut short, or whose count does not match
    /// its rows, is an <see cref="InvalidDataException"/>; the rows before it have been read by then.
    /// </summary>
    public static async IAsyncEnumerable<ArchivedRow> ReadRowsAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        using var reader = new StreamReader(new GZipStream(file, CompressionMode.Decompress), Encoding.UTF8);
        Header(await ReadLineAsync(reader, path, 1, cancellationToken), path);
        var counts = RawRecordCounts.None;
        for (var number = 2; ; number++)
        {
            var line = await ReadLineAsync(reader, path, number, cancellationToken)
                ?? throw new InvalidDataException($"{path} is cut short after line {number - 1}: it has no closing count, so it is not a whole archive.");
            if (line.End is { } end)
            {
                if (end != counts)
                {
                    throw new InvalidDataException($"{path} counts {end} but holds {counts}.");
                }

                yield break;
            }

            var row = new ArchivedRow(line.Batch, line.Rejection, line.Import);
            if ((row.Batch is null ? 0 : 1) + (row.Rejection is null ? 0 : 1) + (row.Import is null ? 0 : 1) != 1)
            {
                throw new InvalidDataException($"{path}, line {number}: a row must hold exactly one of batch, rejection and import.");
            }

            counts = counts.Add(row);
            yield return row;
        }
    }

    private static async Task WriteLineAsync(Stream stream, ArchiveLine line, CancellationToken cancellationToken)
    {
        await JsonSerializer.SerializeAsync(stream, line, RetentionJsonContext.Default.ArchiveLine, cancellationToken);
        stream.WriteByte((byte)'\n');
    }

    private static async Task<ArchiveLine?> ReadLineAsync(StreamReader reader, string path, int number, CancellationToken cancellationToken)
    {
        string? text;
        try
        {
            text = await reader.ReadLineAsync(cancellationToken);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path} is not a gzip file, or is damaged: {e.Message}", e);
        }

        if (text is null)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(text, RetentionJsonContext.Default.ArchiveLine)
                ?? throw new InvalidDataException($"{path}, line {number}: null is not a line of an archive.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}, line {number}: {e.Message}", e);
        }
    }

    private static RawRecordPeriod Header(ArchiveLine? line, string path) => line?.Archive switch
    {
        { Format: Format } header => new RawRecordPeriod(header.From, header.To),
        { } header => throw new InvalidDataException($"{path} is an archive of format {header.Format}; this version reads format {Format}."),
        null => throw new InvalidDataException($"{path} is not an archive of Gradebook's raw record: its first line does not say so."),
    };
}

/// <summary>One line of an archive: exactly one member is set.</summary>
internal sealed record ArchiveLine
{
    public ArchiveHeader? Archive { get; init; }

    public ArchivedBatch? Batch { get; init; }

    public ArchivedRejection? Rejection { get; init; }

    public ArchivedImport? Import { get; init; }

    /// <summary>The last line: how many rows of each table the archive holds.</summary>
    public RawRecordCounts? End { get; init; }
}

/// <summary>An archive's first line: its format and the period it holds (no <c>from</c>: everything before <c>to</c>).</summary>
internal sealed record ArchiveHeader(int Format, DateTimeOffset? From, DateTimeOffset To);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ArchiveLine))]
internal sealed partial class RetentionJsonContext : JsonSerializerContext;
