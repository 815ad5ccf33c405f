using System.Diagnostics;
using System.Globalization;
using System.Text;
using Gradebook.Emulator;
using Gradebook.Tests.Support;
using Npgsql;

namespace Gradebook.Bench;

/// <summary>
/// What the database engine itself does with the same rows, as the yardstick for catch-up ingest: the <c>sqlite3</c>
/// shell's <c>.import</c> of a CSV, and PostgreSQL's own <c>COPY</c> of it, each into a table with Gradebook's two keys.
/// </summary>
internal static class EngineBaseline
{
    /// <summary>
    /// The feed's results as CSV (student, exam, score), one row per (student, exam) with its highest score, in the
    /// order the feed first sent them: what a bulk load into a keyed table can take without conflicts.
    /// </summary>
    public static (string Csv, long Rows) Csv(IReadOnlyList<EmulatedEvent> events)
    {
        var best = new Dictionary<(string, long), double>();
        var order = new List<(string, long)>();
        foreach (var e in events)
        {
            if (best.TryGetValue((e.StudentId, e.Exam), out var score))
            {
                best[(e.StudentId, e.Exam)] = Math.Max(score, e.Score);
            }
            else
            {
                best[(e.StudentId, e.Exam)] = e.Score;
                order.Add((e.StudentId, e.Exam));
            }
        }

        var csv = new StringBuilder(order.Count * 40);
        foreach (var key in order)
        {
            csv.Append(key.Item1).Append(',').Append(key.Item2.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(best[key].ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }

        return (csv.ToString(), order.Count);
    }

    /// <summary>
    /// Rows per second of the <c>sqlite3</c> shell importing the CSV into a WITHOUT ROWID table keyed by (student, exam),
    /// indexed on (exam, student), in WAL mode with synchronous=NORMAL; timed from the shell's start to its exit.
    /// </summary>
    public static async Task<double> SqliteImportAsync(string csv, long rows, TempDirectory directory)
    {
        var csvPath = Path.Combine(directory.Path, "rows.csv");
        await File.WriteAllTextAsync(csvPath, csv);
        var script = $"""
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = NORMAL;
            CREATE TABLE results (student_id TEXT NOT NULL, exam INTEGER NOT NULL, score REAL NOT NULL, PRIMARY KEY (student_id, exam)) WITHOUT ROWID;
            CREATE INDEX results_by_exam ON results (exam, student_id);
            .mode csv
            .import '{csvPath}' results
            SELECT count(*) FROM results;
            """;
        var start = new ProcessStartInfo("sqlite3", Path.Combine(directory.Path, "baseline.db"))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("sqlite3 did not start.");
        await process.StandardInput.WriteAsync(script);
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var elapsed = clock.Elapsed;
        if (process.ExitCode != 0 || !output.Contains(rows.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"sqlite3 .import failed ({process.ExitCode}): {output} {errors}");
        }

        return rows / elapsed.TotalSeconds;
    }

    /// <summary>
    /// Rows per second of PostgreSQL's <c>COPY ... FROM STDIN (FORMAT csv)</c> into a table keyed by (exam, student) and
    /// indexed on (student, exam) including the score, as <c>results</c> is; one statement, committed durably.
    /// </summary>
    public static async Task<double> PostgresCopyAsync(string connectionString, string csv, long rows)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var create = new NpgsqlCommand(
            """
            CREATE TABLE baseline_results (exam bigint NOT NULL, student_id text COLLATE "C" NOT NULL, score double precision NOT NULL, PRIMARY KEY (exam, student_id));
            CREATE INDEX baseline_results_by_student ON baseline_results (student_id, exam) INCLUDE (score);
            """,
            connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        var clock = Stopwatch.StartNew();
        await using (var copy = await connection.BeginTextImportAsync("COPY baseline_results (student_id, exam, score) FROM STDIN (FORMAT csv)"))
        {
            await copy.WriteAsync(csv);
        }

        var elapsed = clock.Elapsed;
        await using var count = new NpgsqlCommand("SELECT count(*) FROM baseline_results", connection);
        var copied = (long)(await count.ExecuteScalarAsync())!;
        return copied == rows ? rows / elapsed.TotalSeconds : throw new InvalidOperationException($"COPY loaded {copied} rows of {rows}.");
    }
}
