namespace Gradebook.Auth;

/// <summary>Headers that keep a browser from sniffing, framing or running anything a response did not mean to allow.</summary>
internal static class SecurityHeaders
{
    /// <summary>Scripts, styles and images from this origin only: no inline script, no plugins, no framing.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        // Set as the response starts, since the exception handler clears the headers of a response it replaces.
        context.Response.OnStarting(static state =>
        {
            var headers = ((HttpResponse)state).Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers["Referrer-Policy"] = "no-referrer";
            return Task.CompletedTask;
        }, context.Response);
        return next(context);
    });
}
