using System.Globalization;
using Gradebook.Api;
using Gradebook.Auth;
using Gradebook.Grading;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gradebook.Live;

internal static class LiveEndpoints
{
    public static IEndpointRouteBuilder MapLive(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/scores/live", Results<LiveStream, ValidationProblem> (string? exam, string? studentId, HttpContext context) =>
        {
            long? examFilter = null;
            if (exam is not null)
            {
                if (!ExamNumbers.TryParse(exam, out var number))
                {
                    return Problems.Invalid("exam", $"exam must be a number from 0 to {ExamNumbers.Max}, got '{exam}'.");
                }

                examFilter = number;
            }

            if (studentId is not null && StudentIds.Problem(studentId) is { } problem)
            {
                return Problems.Invalid("studentId", problem);
            }

            long? lastEventId = null;
            if (context.Request.Headers["Last-Event-ID"].ToString() is { Length: > 0 } header)
            {
                if (!long.TryParse(header, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                {
                    return Problems.Invalid("Last-Event-ID", $"Last-Event-ID must be the id of an event of this stream, got '{header}'.");
                }

                lastEventId = id;
            }

            return new LiveStream(lastEventId, new LiveFilter(examFilter, studentId));
        })
        .WithTags("Live")
        .RequireAuthorization(Scopes.ScoresRead)
        .RequireRateLimiting(RateLimits.Reads)
        .WithSummary("Every result that changes in the store, as Server-Sent Events; resumable by Last-Event-ID.");

        return routes;
    }
}
