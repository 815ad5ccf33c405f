using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Gradebook.Storage;

internal enum SqlDialect
{
    Sqlite,
    Postgres,
}

/// <summary>
/// One SQL file under Storage/, embedded in the assembly. A file in a dialect's subfolder
/// (<c>writes/x.postgres.sql</c>) replaces the shared one (<c>writes/x.sql</c>) for that dialect only.
/// </summary>
internal sealed class SqlFile(string path)
{
    private readonly ConcurrentDictionary<SqlDialect, string> _text = new();

    public string Path { get; } = path;

    /// <summary>The file's text for <paramref name="dialect"/>; a file that neither it nor the shared folder has is a bug.</summary>
    public string For(SqlDialect dialect) => _text.GetOrAdd(dialect, d =>
        Sql.Read(DialectPath(d)) ?? Sql.Read(Path) ?? throw new InvalidOperationException($"No SQL file '{Path}' is embedded for {d}."));

    /// <summary>Whether this file exists for <paramref name="dialect"/>, in its own name.engine.sql or the shared name.sql.</summary>
    public bool ExistsFor(SqlDialect dialect) => Sql.Read(DialectPath(dialect)) is not null || Sql.Read(Path) is not null;

    /// <summary><c>writes/x.sql</c> for SQLite is <c>writes/x.sqlite.sql</c>.</summary>
    private string DialectPath(SqlDialect dialect) => $"{Path[..^".sql".Length]}.{Sql.Folder(dialect)}.sql";

    public override string ToString() => Path;
}

/// <summary>
/// Every SQL file Gradebook runs, each reached through one member here, so "find references" leads from a file to its
/// callers and a misspelt name does not build. <c>SqlFileTests</c> checks that each member's file is embedded and that
/// every embedded file has a member.
/// </summary>
internal static partial class Sql
{
    public static readonly SqlFile ListStudents = new("queries/list_students.sql");
    public static readonly SqlFile GetStudent = new("queries/get_student.sql");
    public static readonly SqlFile ListExams = new("queries/list_exams.sql");
    public static readonly SqlFile GetExam = new("queries/get_exam.sql");
    public static readonly SqlFile GetFeed = new("queries/get_feed.sql");
    public static readonly SqlFile ListRejections = new("queries/list_rejections.sql");
    public static readonly SqlFile RawBatchSizes = new("queries/raw_batch_sizes.sql");
    public static readonly SqlFile RawBatchesPage = new("queries/raw_batches_page.sql");
    public static readonly SqlFile BatchRejections = new("queries/batch_rejections.sql");
    public static readonly SqlFile NextImport = new("queries/next_import.sql");
    public static readonly SqlFile ChangesAfter = new("queries/changes_after.sql");
    public static readonly SqlFile LastChange = new("queries/last_change.sql");
    public static readonly SqlFile RecentChanges = new("queries/recent_changes.sql");
    public static readonly SqlFile RecentExams = new("queries/recent_exams.sql");
    public static readonly SqlFile RecentRejections = new("queries/recent_rejections.sql");
    public static readonly SqlFile StudentsFrom = new("queries/students_from.sql");
    public static readonly SqlFile StudentAgainstExams = new("queries/student_against_exams.sql");
    public static readonly SqlFile Totals = new("queries/totals.sql");
    public static readonly SqlFile GetDataVersion = new("queries/get_data_version.sql");
    public static readonly SqlFile ExamItemSums = new("queries/exam_item_sums.sql");
    public static readonly SqlFile StudentSheet = new("queries/student_sheet.sql");
    public static readonly SqlFile StudentVersion = new("queries/student_version.sql");
    public static readonly SqlFile ExamVersion = new("queries/exam_version.sql");
    public static readonly SqlFile DataProtectionKeys = new("queries/data_protection_keys.sql");

    public static readonly SqlFile CreateStaging = new("writes/create_staging.sql");
    public static readonly SqlFile InsertDataProtectionKey = new("writes/insert_data_protection_key.sql");
    public static readonly SqlFile MergeResults = new("writes/merge_results.sql");
    public static readonly SqlFile AdvanceFeed = new("writes/advance_feed.sql");
    public static readonly SqlFile InsertImport = new("writes/insert_import.sql");
    public static readonly SqlFile CreateNameStaging = new("writes/create_name_staging.sql");
    public static readonly SqlFile StageName = new("writes/stage_name.sql");
    public static readonly SqlFile MergeNames = new("writes/merge_names.sql");
    public static readonly SqlFile NameConflicts = new("writes/name_conflicts.sql");
    public static readonly SqlFile CreateSheetStaging = new("writes/create_sheet_staging.sql");

    /// <summary>Each engine's own: a document's answered sheets staged from two JSON arrays (<see cref="SheetRows"/>).</summary>
    public static readonly SqlFile StageSheets = new("writes/stage_sheets.sql");
    public static readonly SqlFile MergeSheets = new("writes/merge_sheets.sql");
    public static readonly SqlFile TakeOutSheets = new("writes/take_out_sheets.sql");
    public static readonly SqlFile KeepSheets = new("writes/keep_sheets.sql");
    public static readonly SqlFile ResetDerived = new("writes/reset_derived.sql");
    public static readonly SqlFile InsertRawBatch = new("writes/insert_raw_batch.sql");
    public static readonly SqlFile ReplaceBatchOutcomes = new("writes/replace_batch_outcomes.sql");
    public static readonly SqlFile UpdateImportOutcome = new("writes/update_import_outcome.sql");
    public static readonly SqlFile RecomputeAggregates = new("writes/recompute_aggregates.sql");
    public static readonly SqlFile TrimChangeLog = new("writes/trim_change_log.sql");
    public static readonly SqlFile HoldChangeLog = new("writes/hold_change_log.sql");
    public static readonly SqlFile DropRebuildChanges = new("writes/drop_rebuild_changes.sql");

    public static readonly SqlFile Heartbeat = new("writes/heartbeat.sql");
    public static readonly SqlFile LeaveFleet = new("writes/leave_fleet.sql");
    public static readonly SqlFile ClaimFeed = new("writes/claim_feed.sql");
    public static readonly SqlFile ReleaseFeed = new("writes/release_feed.sql");
    public static readonly SqlFile LiveInstances = new("queries/live_instances.sql");
    public static readonly SqlFile FeedOwners = new("queries/feed_owners.sql");

    /// <summary>PostgreSQL only: ends the session of a feed's lease whose owner is hung (a SQLite lease has no session).</summary>
    public static readonly SqlFile EndHungLease = new("writes/end_hung_lease.sql");
    public static readonly SqlFile BumpDataVersion = new("writes/bump_data_version.sql");

    /// <summary>SQLite only: the bulk path for the rejections list.</summary>
    public static readonly SqlFile InsertRejectedEvents = new("writes/insert_rejected_events.sql");

    /// <summary>SQLite only: the bulk path for staging results.</summary>
    public static readonly SqlFile StageResults = new("writes/stage_results.sql");

    /// <summary>Gives every staged student a row, and so its number, before the merge; on PostgreSQL also locks them.</summary>
    public static readonly SqlFile LockStudents = new("writes/lock_students.sql");

    public static readonly SqlFile StudentKnown = new("queries/student_known.sql");
    public static readonly SqlFile StudentDataResults = new("queries/student_data_results.sql");
    public static readonly SqlFile StudentDataNames = new("queries/student_data_names.sql");
    public static readonly SqlFile StudentDataAnswers = new("queries/student_data_answers.sql");
    public static readonly SqlFile StudentDataChanges = new("queries/student_data_changes.sql");

    /// <summary>Each engine's own: the raw batches whose text holds a student's id.</summary>
    public static readonly SqlFile StudentBatches = new("queries/student_batches.sql");

    /// <summary>Each engine's own: the imported documents whose bytes hold a student's id.</summary>
    public static readonly SqlFile StudentDocuments = new("queries/student_documents.sql");
    public static readonly SqlFile StudentRows = new("queries/student_rows.sql");
    public static readonly SqlFile ErasureKey = new("queries/erasure_key.sql");
    public static readonly SqlFile ListErasures = new("queries/list_erasures.sql");
    public static readonly SqlFile ErasureCount = new("queries/erasure_count.sql");

    /// <summary>Each engine's own: the erased student's number, and on PostgreSQL the student's row lock.</summary>
    public static readonly SqlFile LockStudent = new("writes/lock_student.sql");
    public static readonly SqlFile BeginErasure = new("writes/begin_erasure.sql");
    public static readonly SqlFile EraseStudent = new("writes/erase_student.sql");
    public static readonly SqlFile RewriteRawBatch = new("writes/rewrite_raw_batch.sql");
    public static readonly SqlFile DeleteRawBatch = new("writes/delete_raw_batch.sql");
    public static readonly SqlFile DeleteRejection = new("writes/delete_rejection.sql");
    public static readonly SqlFile MoveRejection = new("writes/move_rejection.sql");
    public static readonly SqlFile UncountFeed = new("writes/uncount_feed.sql");
    public static readonly SqlFile RewriteImport = new("writes/rewrite_import.sql");
    public static readonly SqlFile DeleteImport = new("writes/delete_import.sql");
    public static readonly SqlFile MoveSheet = new("writes/move_sheet.sql");
    public static readonly SqlFile RecordErasure = new("writes/record_erasure.sql");

    /// <summary>The raw record's retention (<see cref="RawRecordStore"/>): its periods, their archives, their drops.</summary>
    public static readonly SqlFile RawRecordDrops = new("queries/raw_record_drops.sql");
    public static readonly SqlFile RawRecordCounts = new("queries/raw_record_counts.sql");
    public static readonly SqlFile ArchiveRawBatches = new("queries/archive_raw_batches.sql");
    public static readonly SqlFile ArchiveRejectedEvents = new("queries/archive_rejected_events.sql");
    public static readonly SqlFile ArchiveImports = new("queries/archive_imports.sql");
    public static readonly SqlFile RecordRawDrop = new("writes/record_raw_drop.sql");
    public static readonly SqlFile ForgetRawDrop = new("writes/forget_raw_drop.sql");
    public static readonly SqlFile RestoreRawBatch = new("writes/restore_raw_batch.sql");
    public static readonly SqlFile RestoreRejectedEvent = new("writes/restore_rejected_event.sql");
    public static readonly SqlFile RestoreImport = new("writes/restore_import.sql");

    /// <summary>PostgreSQL only: the raw record's partitions and their bounds, and a new partition.</summary>
    public static readonly SqlFile RawRecordPartitions = new("queries/raw_record_partitions.sql");
    public static readonly SqlFile CreateRawPartition = new("writes/create_raw_partition.sql");

    /// <summary>SQLite only: where a day of the raw record ends, and its rows deleted a chunk at a time.</summary>
    public static readonly SqlFile RawRecordEnds = new("queries/raw_record_ends.sql");
    public static readonly SqlFile RawBatchTime = new("queries/raw_batch_time.sql");
    public static readonly SqlFile ImportTime = new("queries/import_time.sql");
    public static readonly SqlFile DeleteRawBatchesThrough = new("writes/delete_raw_batches_through.sql");
    public static readonly SqlFile DeleteImportsThrough = new("writes/delete_imports_through.sql");

    private static readonly ConcurrentDictionary<string, string?> Cache = new();

    /// <summary>The migrations for a dialect, in version order: shared files plus that dialect's own.</summary>
    public static IReadOnlyList<Migration> Migrations(SqlDialect dialect)
    {
        var dialectFolder = $"migrations/{Folder(dialect)}/";
        return Embedded()
            .Where(name => name.StartsWith(dialectFolder, StringComparison.Ordinal)
                || (name.StartsWith("migrations/", StringComparison.Ordinal) && name.Count(c => c == '/') == 1))
            .Select(name => (Name: System.IO.Path.GetFileNameWithoutExtension(name), Path: name))
            .GroupBy(m => m.Name, StringComparer.Ordinal)
            .Select(g => g.OrderByDescending(m => m.Path.StartsWith(dialectFolder, StringComparison.Ordinal)).First())
            .Select(m => new Migration(Version(m.Name), m.Name, Read(m.Path)!))
            .OrderBy(m => m.Version)
            .ToList();
    }

    /// <summary>The paths of every embedded SQL file, with '/' separators.</summary>
    public static IEnumerable<string> Embedded() =>
        typeof(Sql).Assembly.GetManifestResourceNames().Where(n => n.EndsWith(".sql", StringComparison.Ordinal)).Select(n => n.Replace('\\', '/'));

    internal static string Folder(SqlDialect dialect) => dialect switch
    {
        SqlDialect.Sqlite => "sqlite",
        SqlDialect.Postgres => "postgres",
        _ => throw new ArgumentOutOfRangeException(nameof(dialect)),
    };

    internal static string? Read(string path) => Cache.GetOrAdd(path, static p =>
    {
        var assembly = typeof(Sql).Assembly;
        var name = assembly.GetManifestResourceNames().FirstOrDefault(n => n.Replace('\\', '/') == p);
        if (name is null)
        {
            return null;
        }

        using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
        return reader.ReadToEnd();
    });

    private static int Version(string name)
    {
        var match = VersionPrefix().Match(name);
        return match.Success
            ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"Migration '{name}' must start with its version number, as in 0001_initial.sql.");
    }

    [GeneratedRegex(@"^(\d+)_")]
    private static partial Regex VersionPrefix();
}

/// <summary>One versioned schema change.</summary>
internal sealed record Migration(int Version, string Name, string Sql);
