using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.IdentityModel.Tokens;

namespace Gradebook.Auth;

/// <summary>
/// Answers a refused request with a problem (RFC 9457) that says what is missing, in place of the framework's empty
/// 401 and 403; the 401 keeps the scheme's <c>WWW-Authenticate</c> challenge.
/// </summary>
internal sealed partial class AuthorizationProblems(ILogger<AuthorizationProblems> logger) : IAuthorizationMiddlewareResultHandler
{
    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Succeeded)
        {
            await next(context);
            return;
        }

        var scope = policy.Requirements.OfType<ScopeRequirement>().Select(r => r.Scope).FirstOrDefault() ?? "";
        if (authorizeResult.Challenged)
        {
            var authentication = await context.AuthenticateAsync();
            var detail = Explain(authentication.Failure)
                ?? $"This endpoint needs the scope '{scope}': send an API key (as 'Authorization: Bearer <key>' or '{ApiKeyAuthenticationHandler.Header}: <key>') or a bearer token.";
            LogUnauthenticated(context.Request.Path, detail);
            await context.ChallengeAsync();
            if (context.Response.Headers.Location.Count > 0)
            {
                // A browser sent to sign in: the redirect is the answer.
                return;
            }

            await TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Authentication required.").ExecuteAsync(context);
            return;
        }

        var missing = authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<ScopeRequirement>().FirstOrDefault()?.Scope ?? scope;
        var client = Clients.Name(context.User);
        LogForbidden(client, context.Request.Path, missing);
        await TypedResults.Problem(
                $"This endpoint needs the scope '{missing}'; {Clients.Describe(context.User)} does not have it.",
                statusCode: StatusCodes.Status403Forbidden,
                title: "Not allowed.")
            .ExecuteAsync(context);
    }

    /// <summary>Why credentials were refused, in words that name no part of them; null when none were sent.</summary>
    private static string? Explain(Exception? failure) => failure switch
    {
        null => null,
        SecurityTokenExpiredException => "The bearer token has expired.",
        SecurityTokenNotYetValidException => "The bearer token is not valid yet.",
        SecurityTokenInvalidAudienceException => "The bearer token is for another audience.",
        SecurityTokenInvalidIssuerException => "The bearer token is from an issuer Gradebook does not trust.",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "The bearer token's signature is not valid.",
        SecurityTokenException or ArgumentException => "The bearer token is not valid.",
        _ => failure.Message,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused a request to {Path} without valid credentials: {Reason}")]
    private partial void LogUnauthenticated(PathString path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused client {Client} on {Path}: it does not have the scope {Scope}")]
    private partial void LogForbidden(string client, PathString path, string scope);
}
