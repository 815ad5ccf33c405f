using System.CommandLine;
using Gradebook;
using Gradebook.Auth;
using Gradebook.Imports;
using Gradebook.Rebuild;
using Gradebook.Retention;
using Gradebook.Storage;
using Gradebook.Students;
using Microsoft.Extensions.Options;

/// <summary>The command line: one verb a job, each with --help; what the parser does not know is a setting.</summary>
public partial class Program
{
    private const string ExitCodes = "Exit codes: 0 done, 1 failed, 2 usage error.";

    private static async Task<int> RunCommandLineAsync(string[] args)
    {
        var root = Commands();
        var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        var command = parsed.CommandResult.Command;
        if (parsed.Errors.Count > 0 || UnknownWord(parsed.UnmatchedTokens) is not null)
        {
            // A typo of a verb must not start the server, and a usage error is told apart from a failure (2, not 1).
            foreach (var error in parsed.Errors)
            {
                await Console.Error.WriteLineAsync(error.Message);
            }

            if (UnknownWord(parsed.UnmatchedTokens) is { } word)
            {
                await Console.Error.WriteLineAsync(command == root ? $"Unknown command '{word}'." : $"Unexpected argument '{word}'.");
            }

            await root.Parse(command == root ? ["--help"] : [command.Name, "--help"])
                .InvokeAsync(new InvocationConfiguration { Output = Console.Error });
            return 2;
        }

        // The host handles Ctrl+C and SIGTERM itself, draining what it received; the parser must not end the process first.
        return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }

    private static RootCommand Commands()
    {
        var root = new RootCommand($"""
            Gradebook: ingests test scores from live feeds and imported documents, stores them in SQL and serves them
            over HTTP. Without a command it serves (see 'serve').

            Settings, for every command, come from appsettings.json, the environment (Feed__Url) and the command line:
            --Key=value or Key=value anywhere, --Key value where the command takes no argument.
            {ExitCodes}
            """);

        var serve = new Command("serve", "Serve the API and ingest the configured feeds (the default) until stopped.");
        serve.SetAction((result, _) => ServeAsync(Settings(result), emulatorOnly: false));
        root.SetAction((result, _) => ServeAsync(Settings(result), emulatorOnly: false));

        var migrate = new Command("migrate", "Create or upgrade the database's tables to this version's schema, then exit.");
        migrate.SetAction((result, _) => MigrateAsync(Settings(result)));

        var keptOnly = new Option<bool>("--kept-record-only")
        {
            Description = "Rebuild even though retention dropped part of the raw record: results only the dropped periods held are lost.",
        };
        var rebuild = new Command("rebuild", "Re-derive every result from the raw record of feed events and imported documents, then exit. Refused while a period retention dropped has not been restored.") { keptOnly };
        rebuild.SetAction((result, _) => RebuildCommand.RunAsync(Settings(result), result.GetValue(keptOnly)));

        var file = new Argument<string>("FILE") { Description = "The document: Markr XML (.xml), CSV (.csv) or JSON (.json)." };
        var contentType = new Option<string>("--content-type")
        {
            Description = $"The document's format by media type, in place of its extension: {string.Join(", ", DocumentFormats.All.Select(f => f.MediaType))}.",
        };
        var import = new Command("import", "Import one document of results, whole or not at all, as POST /import does; print the outcome.") { file, contentType };
        import.SetAction((result, _) => ImportCommand.RunAsync(Settings(result), result.GetRequiredValue(file), result.GetValue(contentType)));

        var name = new Argument<string>("NAME") { Description = "The client's name, as it appears in settings and logs.", DefaultValueFactory = _ => "client" };
        var newApiKey = new Command("new-api-key", "Print a new API key alone on stdout, and on stderr its SHA-256 and the settings that admit it.") { name };
        newApiKey.SetAction(result => ApiKeys.RunNewKeyCommand(result.GetRequiredValue(name)));

        var student = new Argument<string>("ID") { Description = "The student's id, as the feeds and documents give it." };
        var output = new Option<string>("--output") { Description = "Write the export to this file rather than to stdout." };
        var zip = new Option<bool>("--zip") { Description = "A ZIP of the export and the original documents, rather than JSON." };
        var exportStudent = new Command("export-student", "Write everything Gradebook holds about one student, as GET /students/{id}/export does (JSON, or a ZIP).") { student, output, zip };
        exportStudent.SetAction((result, _) => StudentDataCommand.ExportAsync(
            Settings(result), result.GetRequiredValue(student), result.GetValue(output), result.GetValue(zip)));
        var eraseStudent = new Command("erase-student", "Erase one student everywhere, as DELETE /students/{id} does, with an audit entry; print what went.") { student };
        eraseStudent.SetAction((result, _) => StudentDataCommand.EraseAsync(Settings(result), result.GetRequiredValue(student)));

        var olderThan = new Option<TimeSpan?>("--older-than") { Description = "Archive and drop what is older than this, as in 400.00:00:00; Retention:RawRecord by default." };
        var archiveTo = new Option<string>("--to") { Description = "The directory to write the archives in; Retention:ArchiveDirectory by default." };
        var archive = new Command("archive", "Run the retention policy once now: write each period of the raw record older than the policy keeps to a compressed file, then drop it; print each.") { olderThan, archiveTo };
        archive.SetAction((result, _) => RetentionCommand.ArchiveAsync(Settings(result), result.GetValue(olderThan), result.GetValue(archiveTo)));
        var archiveFile = new Argument<string>("FILE") { Description = "An archive written by 'archive' or by the service's retention (gradebook-raw-record-*.jsonl.gz)." };
        var restore = new Command("restore", "Load an archived period back into the raw record, each row with its id; then 'rebuild' can use it again.") { archiveFile };
        restore.SetAction((result, _) => RetentionCommand.RestoreAsync(Settings(result), result.GetRequiredValue(archiveFile)));

        var emulator = new Command("emulator", "Serve only the emulated score feed, at /scores, until stopped.");
        emulator.SetAction((result, _) => ServeAsync(Settings(result), emulatorOnly: true));

        foreach (var command in (Command[])[root, serve, migrate, rebuild, import, exportStudent, eraseStudent, archive, restore, newApiKey, emulator])
        {
            // What the parser does not know is a setting for the configuration (--Key=value), as the host reads them.
            command.TreatUnmatchedTokensAsErrors = false;
            if (command != root)
            {
                command.Description += $" {ExitCodes}";
                root.Add(command);
            }
        }

        return root;
    }

    private static string[] Settings(ParseResult result) => [.. result.UnmatchedTokens];

    /// <summary>
    /// The first unmatched word that cannot be a setting: not <c>--Key=value</c>, <c>--Key</c>, <c>/Key</c> or
    /// <c>Key=value</c>, nor the value after a <c>--Key</c> without one.
    /// </summary>
    private static string? UnknownWord(IReadOnlyList<string> unmatched)
    {
        for (var i = 0; i < unmatched.Count; i++)
        {
            var token = unmatched[i];
            if (token.StartsWith('-') || token.StartsWith('/'))
            {
                if (!token.Contains('=', StringComparison.Ordinal))
                {
                    i++;
                }
            }
            else if (!token.Contains('=', StringComparison.Ordinal))
            {
                return token;
            }
        }

        return null;
    }

    private static async Task<int> MigrateAsync(string[] settings)
    {
        var builder = CommandHost.CreateBuilder(settings);
        builder.Services.AddGradebookStore(builder.Configuration);
        using var host = builder.Build();
        try
        {
            var version = await host.Services.GetRequiredService<Migrations>().MigrateAsync(CancellationToken.None);
            Console.WriteLine($"Migrated: {host.Services.GetRequiredService<StoreEngine>().Dialect}, schema version {version}.");
            return 0;
        }
        catch (Exception e) when (e is StoreUnavailableException or OptionsValidationException)
        {
            await Console.Error.WriteLineAsync($"Gradebook cannot migrate: {e.Message}");
            return 1;
        }
    }
}
