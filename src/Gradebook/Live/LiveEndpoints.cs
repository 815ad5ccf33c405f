using System.Globalization;
using Gradebook.Api;
using Gradebook.Auth;
using Gradebook.Grading;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Gradebook.Live;

internal static class LiveEndpoints
{
    public static IEndpointRouteBuilder MapLive(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/scores/live", StreamScores)
            .WithName("streamScoreChanges")
            .WithTags("Live")
            .RequireAuthorization(Scopes.ScoresRead)
            .RequireRateLimiting(RateLimits.Reads)
            .WithSummary("Every result that changes in the store, as Server-Sent Events; resumable by Last-Event-ID.");

        return routes;
    }

    private static async Task<Results<LiveStream, ValidationProblem>> StreamScores(
        string? exam, string? studentId, [FromHeader(Name = "Last-Event-ID")] string? lastEventId, [AsParameters] LiveStreamServices services,
        CancellationToken cancellationToken)
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

        long? cursor = null;
        if (lastEventId is { Length: > 0 })
        {
            if (!long.TryParse(lastEventId, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                return Problems.Invalid("Last-Event-ID", $"Last-Event-ID must be the id of an event of this stream, got '{lastEventId}'.");
            }

            // An id the log never reached (another database, a typo) would wait in silence for changes that may never
            // come; it is refused, and the client starts afresh without it.
            var end = await services.Store.LastIdAsync(cancellationToken);
            if (id > end)
            {
                return Problems.Invalid("Last-Event-ID", $"Last-Event-ID {id} is beyond the end of the change log: the last change is {end}. Reconnect without it to start at the end.");
            }

            cursor = id;
        }

        return new LiveStream(cursor, new LiveFilter(examFilter, studentId), services);
    }
}
