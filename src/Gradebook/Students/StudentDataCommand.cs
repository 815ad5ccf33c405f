using Gradebook.Grading;
using Gradebook.Storage;
using Microsoft.Extensions.Options;

namespace Gradebook.Students;

/// <summary>
/// <c>export-student ID</c> and <c>erase-student ID</c>: a student's data on request from the command line, through the
/// same <see cref="StudentData"/> as <c>GET /students/{id}/export</c> and <c>DELETE /students/{id}</c>. The export goes to
/// stdout or a file; an erasure prints its report (the student's hash and the rows removed), never the id.
/// </summary>
internal static class StudentDataCommand
{
    /// <summary>Who an erasure from the command line is recorded as having done it, in the audit trail.</summary>
    public static string Actor => $"command-line:{Environment.UserName}";

    public static Task<int> ExportAsync(string[] settings, string studentId, string? output, bool zip) =>
        RunAsync(settings, studentId, "export", async data =>
        {
            if (!await data.KnowsAsync(studentId, CancellationToken.None))
            {
                await Console.Error.WriteLineAsync("Gradebook holds nothing of that student.");
                return 1;
            }

            await using var stream = output is null ? Console.OpenStandardOutput() : File.Create(output);
            await (zip
                ? data.ExportZipAsync(studentId, stream, CancellationToken.None)
                : data.ExportAsync(studentId, stream, CancellationToken.None));
            return 0;
        });

    public static Task<int> EraseAsync(string[] settings, string studentId) =>
        RunAsync(settings, studentId, "erase", async data =>
        {
            if (await data.EraseAsync(studentId, Actor, CancellationToken.None) is not { } report)
            {
                await Console.Error.WriteLineAsync("Gradebook holds nothing of that student.");
                return 1;
            }

            Console.WriteLine($"Erased student {report.StudentHash}: {string.Join(", ", report.Counts.Select(c => $"{c.Key} {c.Value}"))}.");
            return 0;
        });

    private static async Task<int> RunAsync(string[] settings, string studentId, string verb, Func<StudentData, Task<int>> run)
    {
        if (StudentIds.Problem(studentId) is { } problem)
        {
            await Console.Error.WriteLineAsync(problem);
            return 2;
        }

        var builder = CommandHost.CreateBuilder(settings);
        builder.Services.AddGradebookStore(builder.Configuration);
        builder.Services.AddStudentData();
        using var host = builder.Build();
        try
        {
            await host.Services.GetRequiredService<Migrations>().MigrateAsync(CancellationToken.None);
            return await run(host.Services.GetRequiredService<StudentData>());
        }
        catch (Exception e) when (e is StoreUnavailableException or OptionsValidationException or IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"Gradebook cannot {verb} the student: {e.Message}");
            return 1;
        }
    }
}
