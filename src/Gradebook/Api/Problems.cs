using Microsoft.AspNetCore.Http.HttpResults;

namespace Gradebook.Api;

/// <summary>The RFC 9457 problem responses every endpoint shares.</summary>
internal static class Problems
{
    public static ValidationProblem Invalid(string parameter, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [parameter] = [message] }, title: "The request is not valid.");

    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");
}
