using Microsoft.AspNetCore.Antiforgery;

namespace Gradebook.Auth;

/// <summary>
/// A browser sends the session cookie with any request, whichever site made it, so a state-changing call made with
/// the cookie must carry the antiforgery token of one of Gradebook's own pages and must not come from another origin.
/// Calls with an API key or a bearer token carry their credential themselves and are not checked.
/// </summary>
internal static partial class CrossSiteRequests
{
    public static IApplicationBuilder UseCrossSiteRequestChecks(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var method = context.Request.Method;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || !Sessions.IsSession(context.User))
        {
            await next(context);
            return;
        }

        var refusal = ForeignOrigin(context) is { } origin
            ? $"A request made with the dashboard's session cookie must come from Gradebook's own pages, not from '{origin}'."
            : !await context.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(context)
                ? "A request made with the dashboard's session cookie must carry the antiforgery token of the page it comes from; a script may send an API key instead."
                : null;
        if (refusal is null)
        {
            await next(context);
            return;
        }

        LogRefused(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CrossSiteRequests).FullName!), method, context.Request.Path);
        await TypedResults.Problem(refusal, statusCode: StatusCodes.Status403Forbidden, title: "Cross-site request refused.").ExecuteAsync(context);
    });

    /// <summary>
    /// The request's Origin when it is another site's (browsers send it with every POST and DELETE). An origin of
    /// <c>null</c> says nothing either way (a browser sends it for the dashboard's own forms under the
    /// <c>no-referrer</c> policy), so such a request is judged by its token alone.
    /// </summary>
    private static string? ForeignOrigin(HttpContext context)
    {
        var origin = context.Request.Headers.Origin.ToString();
        var own = $"{context.Request.Scheme}://{context.Request.Host}";
        return origin.Length > 0 && origin != "null" && !origin.Equals(own, StringComparison.OrdinalIgnoreCase) ? origin : null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a cross-site {Method} to {Path} made with a dashboard session")]
    private static partial void LogRefused(ILogger logger, string method, PathString path);
}
