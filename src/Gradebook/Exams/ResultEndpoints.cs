using Gradebook.Api;
using Gradebook.Auth;
using Gradebook.Feed;
using Gradebook.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gradebook.Exams;

internal static class ResultEndpoints
{
    public static IEndpointRouteBuilder MapResults(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/results").WithTags("Results")
            .RequireAuthorization(Scopes.ScoresRead).RequireRateLimiting(RateLimits.Reads);

        group.MapGet("/{testId}/aggregate", async Task<Results<Ok<ResultAggregate>, ValidationProblem, ProblemHttpResult>> (
            string testId, Store store, CancellationToken cancellationToken) =>
        {
            if (!ExamNumbers.TryParse(testId, out var exam))
            {
                return Problems.Invalid("testId", $"testId must be a number from 0 to {ExamNumbers.Max}, got '{testId}'.");
            }

            var details = await store.GetExamAsync(exam, cancellationToken);
            return details is null
                ? Problems.NotFound($"No results are recorded for test {exam}.")
                : TypedResults.Ok(ResultAggregate.Of(Distribution.Of(details.Results.Select(r => r.Score))));
        })
        .WithSummary("How one test's results are spread, in percent of the marks available.");

        return routes;
    }
}
