using System.Diagnostics.CodeAnalysis;
using Gradebook.Api;
using Gradebook.Auth;
using Gradebook.Grading;
using Gradebook.Storage;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gradebook.Students;

internal static class StudentEndpoints
{
    private const string Prefix = "/students/";

    public static IEndpointRouteBuilder MapStudents(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/students").WithTags("Students")
            .RequireAuthorization(Scopes.ScoresRead).RequireRateLimiting(RateLimits.Reads);

        group.MapGet("/", ListStudents)
            .WithSummary("Students who have at least one result, in student id order.")
            .CachedByDataVersion();

        group.MapGet("/{**studentId}", GetStudent)
            .WithSummary("One student's results, in exam order, with their average.")
            .CachedByVersionOf(StudentVersionAsync);

        return routes;
    }

    private static async Task<Results<Ok<Page<StudentSummary>>, ValidationProblem, CsvResult>> ListStudents(
        [AsParameters] PageRequest page, ReadStore store, CancellationToken cancellationToken)
    {
        if (!page.TryValidate(TryParseAfter, "", out var start, out var problem))
        {
            return problem;
        }

        if (start.Csv)
        {
            return StudentCsv.List(store);
        }

        var rows = await store.ListStudentsAsync(start.After, start.Limit + 1, cancellationToken);
        return TypedResults.Ok(Paging.Build(
            rows, start.Limit, StudentResponses.AsSummary, last => $"/students?after={Uri.EscapeDataString(last.StudentId)}&limit={start.Limit}"));
    }

    private static async Task<Results<Ok<StudentDetails>, ValidationProblem, ProblemHttpResult, CsvResult>> GetStudent(
        string studentId, HttpContext context, ReadStore store, CancellationToken cancellationToken)
    {
        var id = ExactId(context, studentId);
        if (StudentIds.Problem(id) is { } problem)
        {
            return Problems.Invalid("studentId", problem);
        }

        if (CsvResult.IsWanted(context.Request))
        {
            return StudentCsv.One(store, id);
        }

        var student = (await store.GetStudentAsync(id, cancellationToken)).AsDetails(id);
        return student is null
            ? Problems.NotFound($"No results are recorded for student '{id}'.")
            : TypedResults.Ok(student);
    }

    /// <summary>The version of the requested student's results; null when there are none or the id cannot be one.</summary>
    private static Task<long?> StudentVersionAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var id = ExactId(context, context.Request.RouteValues["studentId"] as string ?? "");
        return StudentIds.Problem(id) is null
            ? context.RequestServices.GetRequiredService<ReadStore>().GetStudentVersionAsync(id, cancellationToken)
            : Task.FromResult<long?>(null);
    }

    private static bool TryParseAfter(string text, out string studentId, [NotNullWhen(false)] out string? error)
    {
        studentId = text;
        error = StudentIds.Problem(text) is { } problem ? $"after must be a student id: {problem}." : null;
        return error is null;
    }

    /// <summary>
    /// The student id exactly as the client encoded it. The server leaves <c>%2F</c> undecoded in the path, so an id
    /// containing '/' is recovered from the raw request target; the catch-all route also takes it unencoded.
    /// </summary>
    private static string ExactId(HttpContext context, string routeValue)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (target is null || !target.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return routeValue;
        }

        var segment = target.AsSpan(Prefix.Length);
        var query = segment.IndexOf('?');
        return Uri.UnescapeDataString(query < 0 ? segment : segment[..query]);
    }
}
