using Gradebook.Api;
using Gradebook.Auth;
using Gradebook.Grading;
using Gradebook.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gradebook.Exams;

internal static class ResultEndpoints
{
    public static IEndpointRouteBuilder MapResults(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/results").WithTags("Results")
            .RequireAuthorization(Scopes.ScoresRead).RequireRateLimiting(RateLimits.Reads);

        group.MapGet("/{testId}/aggregate", GetAggregate)
            .WithName("getResultAggregate")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("How one test's results are spread, in percent of the marks available.")
            .CachedByVersionOf(ExamVersions.Of("testId"))
            .AnswersJsonOrCsv();

        return routes;
    }

    private static async Task<Results<Ok<ResultAggregate>, ValidationProblem, ProblemHttpResult, CsvResult>> GetAggregate(
        string testId, HttpContext context, ReadStore store, CancellationToken cancellationToken)
    {
        if (!ExamNumbers.TryParse(testId, out var exam))
        {
            return Problems.Invalid("testId", $"testId must be a number from 0 to {ExamNumbers.Max}, got '{testId}'.");
        }

        if (CsvResult.IsWanted(context.Request))
        {
            return ExamCsv.Aggregate(store, exam);
        }

        var rows = await store.GetExamAsync(exam, cancellationToken);
        return rows.Count == 0
            ? Problems.NotFound($"No results are recorded for test {exam}.")
            : TypedResults.Ok(ResultAggregate.Of(Distribution.Of(rows.Select(r => r.Score))));
    }
}
