using Gradebook.Api;
using Gradebook.Auth;
using Gradebook.Grading;
using Gradebook.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gradebook.Exams;

internal static class ExamEndpoints
{
    public static IEndpointRouteBuilder MapExams(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/exams").WithTags("Exams")
            .RequireAuthorization(Scopes.ScoresRead).RequireRateLimiting(RateLimits.Reads);

        group.MapGet("/", async Task<Results<Ok<Page<ExamSummary>>, ValidationProblem, CsvResult>> (
            string? limit, string? after, HttpContext context, ReadStore store, CancellationToken cancellationToken) =>
        {
            if (CsvResult.IsWanted(context.Request))
            {
                return ExamCsv.List(store);
            }

            if (!Paging.TryParseLimit(limit, out var pageSize, out var error))
            {
                return Problems.Invalid("limit", error!);
            }

            var from = -1L;
            if (after is not null && !ExamNumbers.TryParse(after, out from))
            {
                return Problems.Invalid("after", $"after must be an exam number from 0 to {ExamNumbers.Max}, got '{after}'.");
            }

            var rows = await store.ListExamsAsync(from, pageSize + 1, cancellationToken);
            return TypedResults.Ok(Paging.Build(rows, pageSize, ExamResponses.AsSummary, last => $"/exams?after={last.Exam}&limit={pageSize}"));
        })
        .WithSummary("Exams that have at least one result, in exam number order.")
        .CachedByDataVersion();

        group.MapGet("/{exam}", async Task<Results<Ok<ExamReport>, ValidationProblem, ProblemHttpResult, CsvResult>> (
            string exam, HttpContext context, ReadStore store, CancellationToken cancellationToken) =>
        {
            if (!ExamNumbers.TryParse(exam, out var number))
            {
                return Problems.Invalid("exam", $"exam must be a number from 0 to {ExamNumbers.Max}, got '{exam}'.");
            }

            if (CsvResult.IsWanted(context.Request))
            {
                return ExamCsv.One(store, number);
            }

            var report = (await store.GetExamAsync(number, cancellationToken)).AsReport(number);
            return report is null
                ? Problems.NotFound($"No results are recorded for exam {number}.")
                : TypedResults.Ok(report);
        })
        .WithSummary("One exam's results, in student id order, with their average and distribution.")
        .CachedByDataVersion();

        return routes;
    }
}
