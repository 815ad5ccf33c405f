using Gradebook.Grading;
using Gradebook.Storage;

namespace Gradebook.Exams;

/// <summary>How a read of one exam finds the version it is tagged and cached by (see <c>Api/ReadCache.cs</c>).</summary>
internal static class ExamVersions
{
    /// <summary>Reads the version of the exam named by the route value <paramref name="routeValue"/>; null when it has no results or is not an exam number.</summary>
    public static Func<HttpContext, CancellationToken, Task<long?>> Of(string routeValue) =>
        (context, cancellationToken) => ExamNumbers.TryParse(context.Request.RouteValues[routeValue] as string, out var exam)
            ? context.RequestServices.GetRequiredService<ReadStore>().GetExamVersionAsync(exam, cancellationToken)
            : Task.FromResult<long?>(null);
}
