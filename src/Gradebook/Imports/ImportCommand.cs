using Gradebook.Storage;
using Microsoft.Extensions.Options;

namespace Gradebook.Imports;

/// <summary>
/// <c>import FILE</c>: one document from a file, through the same <see cref="Importer"/> and formats as
/// <c>POST /import</c>, whole or not at all. The outcome goes to stdout, a rejection's reason to stderr.
/// </summary>
internal static class ImportCommand
{
    /// <summary>The client an import from the command line is recorded under, with the user who ran it.</summary>
    public static string Client => $"command-line:{Environment.UserName}";

    public static async Task<int> RunAsync(string[] settings, string path, string? contentType)
    {
        var format = contentType is null ? DocumentFormats.ForFileName(path) : DocumentFormats.ForContentType(contentType);
        if (format is null)
        {
            var extensions = string.Join(", ", DocumentFormats.All.Select(f => $"{f.FileExtension} ({f.Name})"));
            var mediaTypes = string.Join(", ", DocumentFormats.All.Select(f => f.MediaType));
            await Console.Error.WriteLineAsync(contentType is null
                ? $"Cannot tell the format of '{path}' by its extension, which is not one of {extensions}: give --content-type ({mediaTypes})."
                : $"Gradebook imports no '{contentType}': --content-type is one of {mediaTypes}.");
            return 2;
        }

        byte[] document;
        try
        {
            document = await File.ReadAllBytesAsync(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"Gradebook cannot import: {e.Message}");
            return 1;
        }

        var builder = CommandHost.CreateBuilder(settings);
        builder.Services.AddGradebookStore(builder.Configuration);
        builder.Services.AddImports(builder.Configuration);
        using var host = builder.Build();
        try
        {
            await host.Services.GetRequiredService<Migrations>().MigrateAsync(CancellationToken.None);
            var outcome = await host.Services.GetRequiredService<Importer>().ImportAsync(document, format, Client);
            if (outcome.Rejection is { } rejection)
            {
                await Console.Error.WriteLineAsync($"Import {outcome.ImportId} of {path} rejected ({rejection.Code}): {rejection.Message}");
                return 1;
            }

            Console.WriteLine($"Import {outcome.ImportId} of {path} accepted: {outcome.ResultCount} {Counted.Noun(outcome.ResultCount, "result", "results")} ({format.Name}).");
            foreach (var conflict in outcome.NameConflicts)
            {
                Console.WriteLine($"  {conflict.StudentId} has more than one name on record: {string.Join("; ", conflict.Names.Select(n => $"{n.FirstName} {n.LastName}".Trim()))}");
            }

            return 0;
        }
        catch (Exception e) when (e is StoreUnavailableException or OptionsValidationException)
        {
            await Console.Error.WriteLineAsync($"Gradebook cannot import: {e.Message}");
            return 1;
        }
    }
}
