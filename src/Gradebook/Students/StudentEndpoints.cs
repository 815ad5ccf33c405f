using System.Diagnostics.CodeAnalysis;
using Gradebook.Api;
using Gradebook.Auth;
using Gradebook.Grading;
using Gradebook.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gradebook.Students;

internal static class StudentEndpoints
{
    internal const string Prefix = "/students/";

    public static IEndpointRouteBuilder MapStudents(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/students").WithTags("Students")
            .RequireAuthorization(Scopes.ScoresRead).RequireRateLimiting(RateLimits.Reads);

        group.MapGet("/", ListStudents)
            .WithName("listStudents")
            .WithSummary("Students who have at least one result, in student id order.")
            .CachedByDataVersion()
            .AnswersJsonOrCsv();

        group.MapGet("/{**studentId}", GetStudent)
            .WithName("getStudent")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("One student's results, in exam order, with their average.")
            .CachedByVersionOf(StudentVersionAsync)
            .AnswersJsonOrCsv();

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
        if (ExactRouteValues.Between(context, studentId, Prefix) is not { } id)
        {
            return ExactRouteValues.NotUtf8("studentId");
        }

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
        return ExactRouteValues.Between(context, context.Request.RouteValues["studentId"] as string ?? "", Prefix) is { } id && StudentIds.Problem(id) is null
            ? context.RequestServices.GetRequiredService<ReadStore>().GetStudentVersionAsync(id, cancellationToken)
            : Task.FromResult<long?>(null);
    }

    private static bool TryParseAfter(string text, out string studentId, [NotNullWhen(false)] out string? error)
    {
        studentId = text;
        error = StudentIds.Problem(text) is { } problem ? $"after must be a student id: {problem}." : null;
        return error is null;
    }
}
