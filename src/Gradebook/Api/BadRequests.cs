using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

namespace Gradebook.Api;

/// <summary>
/// Requests the server finds malformed while the app reads them (a body arriving too slowly, broken chunked encoding)
/// answer with the status the server chose, as problem details, and are logged as the client's fault, not as a crash.
/// </summary>
internal sealed partial class BadRequestHandler(IProblemDetailsService problems, ILogger<BadRequestHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad || context.Response.HasStarted)
        {
            return false;
        }

        LogBadRequest(logger, context.Request.Method, context.Request.Path, bad.StatusCode, bad.Message);
        context.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = bad.StatusCode, Detail = bad.Message },
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bad request {Method} {Path}: {Status} {Reason}")]
    private static partial void LogBadRequest(ILogger logger, string method, PathString path, int status, string reason);
}

/// <summary>A request target too long to be a real one is refused by the app, so the refusal is problem details too.</summary>
internal static class LongRequestTargets
{
    /// <summary>Kestrel's own default, kept as the app's limit; Kestrel's limit is raised above it so the app sees the request.</summary>
    public const int MaxTargetLength = 8 * 1024;

    /// <summary>Kestrel still refuses a request line longer than this itself, with a bare 414.</summary>
    public const int MaxRequestLineSize = 64 * 1024;

    public static IApplicationBuilder UseLongRequestTargetRefusal(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > MaxTargetLength } target)
        {
            context.Response.StatusCode = StatusCodes.Status414UriTooLong;
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = StatusCodes.Status414UriTooLong,
                    Detail = $"The request target is {target.Length} characters long; at most {MaxTargetLength} are accepted.",
                },
            });
            return;
        }

        await next(context);
    });
}
