using System.Text.RegularExpressions;
using Gradebook.Storage;
using Gradebook.Tests.Support;

namespace Gradebook.Tests.EndToEnd;

/// <summary>The command line as an operator uses it: real processes, each verb's help, success and failure exit codes.</summary>
public sealed class CommandLineTests : IDisposable
{
    private static readonly TimeSpan Exit = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string Database => _directory.SqliteConnectionString();

    [Theory]
    [InlineData("serve")]
    [InlineData("migrate")]
    [InlineData("rebuild")]
    [InlineData("import")]
    [InlineData("export-student")]
    [InlineData("erase-student")]
    [InlineData("archive")]
    [InlineData("restore")]
    [InlineData("new-api-key")]
    [InlineData("emulator")]
    public async Task Each_command_has_help_with_its_exit_codes(string command)
    {
        using var process = GradebookProcess.Start(new Dictionary<string, string>(), command, "--help");

        Assert.Equal(0, await process.WaitForExitAsync(Exit));
        Assert.Contains($"Gradebook {command}", process.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Exit codes: 0 done, 1 failed, 2 usage error.", process.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_help_lists_every_command()
    {
        using var process = GradebookProcess.Start(new Dictionary<string, string>(), "--help");

        Assert.Equal(0, await process.WaitForExitAsync(Exit));
        foreach (var command in (string[])["serve", "migrate", "rebuild", "import <FILE>", "export-student <ID>", "erase-student <ID>", "archive", "restore <FILE>", "new-api-key <NAME>", "emulator"])
        {
            Assert.Contains($"  {command} ", process.StandardOutput, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Migrate_creates_the_schema_of_a_new_sqlite_file_from_a_command_line_setting()
    {
        using var process = GradebookProcess.Start(new Dictionary<string, string>(), "migrate", $"--ConnectionStrings:Gradebook={Database}");

        Assert.Equal(0, await process.WaitForExitAsync(Exit));
        await using var store = new StoreHarness(new SqliteEngine(Database));
        var applied = await store.AppliedMigrationsAsync(CancellationToken.None);
        Assert.Equal($"Migrated: Sqlite, schema version {applied.Max()}.", process.StandardOutput.Trim());
    }

    [Fact]
    public async Task Migrate_takes_a_setting_as_key_and_value_apart_too()
    {
        using var process = GradebookProcess.Start(new Dictionary<string, string>(), "migrate", "--ConnectionStrings:Gradebook", Database);

        Assert.Equal(0, await process.WaitForExitAsync(Exit));
        Assert.StartsWith("Migrated: Sqlite", process.StandardOutput, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_directory.Path, "gradebook.db")));
    }

    [Fact]
    public async Task Migrate_fails_with_1_and_the_reason_when_the_database_cannot_be_opened()
    {
        var missing = Path.Combine(_directory.Path, "no", "such");
        using var process = GradebookProcess.Start(
            new Dictionary<string, string> { ["ConnectionStrings__Gradebook"] = $"Data Source={Path.Combine(missing, "g.db")}" }, "migrate");

        Assert.Equal(1, await process.WaitForExitAsync(Exit));
        Assert.Contains($"Gradebook cannot migrate: The SQLite database '{Path.Combine(missing, "g.db")}' cannot be created", process.Output, StringComparison.Ordinal);
        Assert.Empty(process.StandardOutput);
    }

    [Fact]
    public async Task Archive_drops_an_old_day_into_a_file_rebuild_is_refused_until_restore_brings_it_back()
    {
        var old = DateTimeOffset.UtcNow.AddDays(-3);
        await using (var store = new StoreHarness(new SqliteEngine(Database)))
        {
            await store.MigrateAsync(CancellationToken.None);
            await store.WriteFeedBatchAsync("f", [Scores.Event("ann", 1, 0.5) with { ReceivedAt = old }, Scores.Raw("{bad") with { ReceivedAt = old }], CancellationToken.None);
            await Scores.WriteAsync(store, ("bob", 2, 0.25));
        }

        var settings = new Dictionary<string, string> { ["ConnectionStrings__Gradebook"] = Database };
        var archives = Path.Combine(_directory.Path, "archives");
        var day = old.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        using (var usage = GradebookProcess.Start(settings, "archive", "--to", archives))
        {
            Assert.Equal(2, await usage.WaitForExitAsync(Exit));
            Assert.Contains("give --older-than", usage.Output, StringComparison.Ordinal);
        }

        using (var archive = GradebookProcess.Start(settings, "archive", "--older-than", "1.00:00:00", "--to", archives))
        {
            Assert.Equal(0, await archive.WaitForExitAsync(Exit));
            Assert.Contains($"Archived and dropped {day}: 1 batch rows (2 events), 1 rejections, 0 documents", archive.StandardOutput, StringComparison.Ordinal);
        }

        var file = Path.Combine(archives, $"gradebook-raw-record-{day}.jsonl.gz");
        Assert.True(File.Exists(file));
        using (var refused = GradebookProcess.Start(settings, "rebuild"))
        {
            Assert.Equal(1, await refused.WaitForExitAsync(Exit));
            Assert.Contains("will not rebuild: retention dropped 1 periods", refused.Output, StringComparison.Ordinal);
            Assert.Contains(file, refused.Output, StringComparison.Ordinal);
        }

        // A damaged archive is refused whole: nothing of it is restored.
        var damaged = Path.Combine(_directory.Path, "damaged.jsonl.gz");
        var bytes = await File.ReadAllBytesAsync(file);
        await File.WriteAllBytesAsync(damaged, bytes[..(bytes.Length / 2)]);
        using (var restore = GradebookProcess.Start(settings, "restore", damaged))
        {
            Assert.Equal(1, await restore.WaitForExitAsync(Exit));
            Assert.Contains($"Gradebook cannot restore {damaged}:", restore.Output, StringComparison.Ordinal);
        }

        await using (var store = new StoreHarness(new SqliteEngine(Database)))
        {
            Assert.Equal(0, await store.RawEventCountAsync("f"));
        }

        using (var restore = GradebookProcess.Start(settings, "restore", file))
        {
            Assert.True(await restore.WaitForExitAsync(Exit) == 0, restore.Output);
            Assert.Contains($"Restored {day}: 1 batch rows (2 events), 1 rejections, 0 documents.", restore.StandardOutput, StringComparison.Ordinal);
        }

        using (var rebuild = GradebookProcess.Start(settings, "rebuild"))
        {
            Assert.Equal(0, await rebuild.WaitForExitAsync(Exit));
            Assert.Contains("Rebuilt from 3 raw events", rebuild.StandardOutput, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Rebuild_fails_with_1_when_the_database_cannot_be_opened()
    {
        using var process = GradebookProcess.Start(
            new Dictionary<string, string> { ["ConnectionStrings__Gradebook"] = $"Data Source={Path.Combine(_directory.Path, "no", "g.db")}" }, "rebuild");

        Assert.Equal(1, await process.WaitForExitAsync(Exit));
        Assert.Contains("Gradebook cannot rebuild:", process.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("results.xml", null)]
    [InlineData("results.csv", null)]
    [InlineData("results.json", null)]
    [InlineData("results.txt", "text/csv")]
    public async Task Import_stores_a_document_in_any_format_and_prints_the_outcome(string fileName, string? contentType)
    {
        var format = contentType ?? Path.GetExtension(fileName);
        var path = Path.Combine(_directory.Path, fileName);
        await File.WriteAllTextAsync(path, format switch
        {
            ".xml" => Markr.Document(Markr.Result("ann", 7, 13, 20), Markr.Result("bob", 7, 10, 20)),
            ".json" => """[{"studentNumber":"ann","testId":7,"summaryMarks":{"available":20,"obtained":13}},{"studentNumber":"bob","testId":7,"summaryMarks":{"available":20,"obtained":10}}]""",
            _ => "student-number,test-id,marks-available,marks-obtained\nann,7,20,13\nbob,7,20,10\n",
        });

        using var process = GradebookProcess.Start(
            new Dictionary<string, string> { ["ConnectionStrings__Gradebook"] = Database },
            contentType is null ? ["import", path] : ["import", path, "--content-type", contentType]);

        Assert.Equal(0, await process.WaitForExitAsync(Exit));
        Assert.Matches($@"^Import 1 of {Regex.Escape(path)} accepted: 2 results \((Markr|CSV|JSON)\)\.$", process.StandardOutput.Trim());
        await using var store = new StoreHarness(new SqliteEngine(Database));
        var exam = await store.GetExamAsync(7, CancellationToken.None);
        Assert.NotNull(exam);
        Assert.Equal(2, exam.Results.Count);
    }

    [Fact]
    public async Task Export_student_writes_the_students_data_as_json_or_a_zip_and_erase_student_removes_them_and_says_so()
    {
        var path = Path.Combine(_directory.Path, "results.xml");
        await File.WriteAllTextAsync(path, Markr.Document(Markr.Result("ann", 7, 13, 20), Markr.Result("bob", 7, 10, 20)));
        var settings = new Dictionary<string, string> { ["ConnectionStrings__Gradebook"] = Database };
        using (var import = GradebookProcess.Start(settings, "import", path))
        {
            Assert.Equal(0, await import.WaitForExitAsync(Exit));
        }

        using (var export = GradebookProcess.Start(settings, "export-student", "ann"))
        {
            Assert.Equal(0, await export.WaitForExitAsync(Exit));
            using var json = System.Text.Json.JsonDocument.Parse(export.StandardOutput);
            Assert.Contains("\"ann\"", export.StandardOutput, StringComparison.Ordinal);
            Assert.DoesNotContain("\"bob\"", export.StandardOutput, StringComparison.Ordinal);
        }

        var zipPath = Path.Combine(_directory.Path, "ann.zip");
        using (var export = GradebookProcess.Start(settings, "export-student", "ann", "--zip", "--output", zipPath))
        {
            Assert.Equal(0, await export.WaitForExitAsync(Exit));
            using var zip = System.IO.Compression.ZipFile.OpenRead(zipPath);
            Assert.Contains(zip.Entries, e => e.FullName == "student.json");
            Assert.Contains(zip.Entries, e => e.FullName.StartsWith("documents/", StringComparison.Ordinal));
        }

        using (var erase = GradebookProcess.Start(settings, "erase-student", "ann"))
        {
            Assert.Equal(0, await erase.WaitForExitAsync(Exit));
            Assert.Matches("^Erased student [0-9a-f]{64}: .*results 1", erase.StandardOutput.Trim());
            Assert.DoesNotContain("ann", erase.Output, StringComparison.Ordinal);
        }

        await using (var store = new StoreHarness(new SqliteEngine(Database)))
        {
            var exam = await store.GetExamAsync(7, CancellationToken.None);
            Assert.Equal("bob", Assert.Single(exam!.Results).StudentId);
        }

        using (var again = GradebookProcess.Start(settings, "erase-student", "ann"))
        {
            Assert.Equal(1, await again.WaitForExitAsync(Exit));
            Assert.Contains("Gradebook holds nothing of that student.", again.Output, StringComparison.Ordinal);
        }

        using var invalid = GradebookProcess.Start(settings, "export-student", new string('x', 129));
        Assert.Equal(2, await invalid.WaitForExitAsync(Exit));
    }

    [Fact]
    public async Task Import_of_a_rejected_document_exits_1_with_the_reason_on_stderr_and_records_it()
    {
        var path = Path.Combine(_directory.Path, "broken.xml");
        await File.WriteAllTextAsync(path, "<mcq-test-results><mcq-test-result>");

        using var process = GradebookProcess.Start(new Dictionary<string, string> { ["ConnectionStrings__Gradebook"] = Database }, "import", path);

        Assert.Equal(1, await process.WaitForExitAsync(Exit));
        Assert.Empty(process.StandardOutput);
        Assert.Contains($"Import 1 of {path} rejected (malformed_xml): ", process.Output, StringComparison.Ordinal);
        await using var store = new StoreHarness(new SqliteEngine(Database));
        Assert.Null(await store.GetExamAsync(7, CancellationToken.None));
    }

    [Theory]
    [InlineData("results.txt", null, "Cannot tell the format of")]
    [InlineData("results.xml", "text/plain", "Gradebook imports no 'text/plain'")]
    public async Task Import_of_a_format_it_cannot_tell_is_a_usage_error(string fileName, string? contentType, string message)
    {
        var path = Path.Combine(_directory.Path, fileName);
        await File.WriteAllTextAsync(path, Markr.Example);

        using var process = GradebookProcess.Start(
            new Dictionary<string, string> { ["ConnectionStrings__Gradebook"] = Database },
            contentType is null ? ["import", path] : ["import", path, "--content-type", contentType]);

        Assert.Equal(2, await process.WaitForExitAsync(Exit));
        Assert.Contains(message, process.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_directory.Path, "gradebook.db")));
    }

    [Fact]
    public async Task Import_without_a_file_is_a_usage_error_with_the_commands_help()
    {
        using var process = GradebookProcess.Start(new Dictionary<string, string> { ["ConnectionStrings__Gradebook"] = Database }, "import");

        Assert.Equal(2, await process.WaitForExitAsync(Exit));
        Assert.Contains("Required argument 'FILE' missing", process.Output, StringComparison.Ordinal);
        Assert.Contains("Gradebook import <FILE>", process.Output, StringComparison.Ordinal);
        Assert.Empty(process.StandardOutput);
    }

    [Fact]
    public async Task Import_of_a_file_that_is_not_there_fails_with_1()
    {
        using var process = GradebookProcess.Start(
            new Dictionary<string, string> { ["ConnectionStrings__Gradebook"] = Database }, "import", Path.Combine(_directory.Path, "absent.xml"));

        Assert.Equal(1, await process.WaitForExitAsync(Exit));
        Assert.Contains("Gradebook cannot import:", process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_named_starts_the_service_as_no_command_does()
    {
        using var process = GradebookProcess.Start(
            new Dictionary<string, string> { ["ConnectionStrings__Gradebook"] = Database },
            "serve", "--urls", "http://127.0.0.1:0", "--Feed:Enabled=false");

        await Eventually.Until(() => Task.FromResult(process.Output), output => output.Contains("Application started", StringComparison.Ordinal) || process.HasExited);
        Assert.Contains("Now listening on: http://127.0.0.1:", process.Output, StringComparison.Ordinal);
        Assert.Equal(0, await process.TerminateAsync(Exit));
    }
}

/// <summary><c>migrate</c> on PostgreSQL.</summary>
[Collection(PostgresServer.CollectionName)]
public sealed class PostgresCommandLineTests(PostgresServer server)
{
    [PostgresFact]
    public async Task Migrate_creates_the_schema_of_an_empty_postgres_database()
    {
        var connectionString = await server.CreateDatabaseAsync();

        using var process = GradebookProcess.Start(
            new Dictionary<string, string> { ["Storage__Provider"] = "Postgres", ["ConnectionStrings__Gradebook"] = connectionString }, "migrate");

        Assert.Equal(0, await process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        await using var store = new StoreHarness(new PostgresEngine(connectionString));
        var applied = await store.AppliedMigrationsAsync(CancellationToken.None);
        Assert.Equal($"Migrated: Postgres, schema version {applied.Max()}.", process.StandardOutput.Trim());
    }
}
