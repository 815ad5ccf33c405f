using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace Gradebook.Auth;

/// <summary>What a client may do. Each scope is also the name of the authorization policy that requires it.</summary>
internal static class Scopes
{
    /// <summary>The score reads: students, exams, results.</summary>
    public const string ScoresRead = "scores:read";

    /// <summary>Posting Markr documents, which changes results.</summary>
    public const string ScoresImport = "scores:import";

    /// <summary>Ingestion state, rejected events and metrics.</summary>
    public const string OperationsRead = "operations:read";

    /// <summary>A student's data on request: exporting and erasing it, and reading the trail of erasures.</summary>
    public const string StudentsAdmin = "students:admin";

    public static readonly IReadOnlyList<string> All = [ScoresRead, ScoresImport, OperationsRead, StudentsAdmin];

    public static IEnumerable<string> Parse(string? scopes) =>
        (scopes ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>A principal's scopes: the space-separated <c>scope</c> or <c>scp</c> claims, and its roles.</summary>
    public static IEnumerable<string> Of(ClaimsPrincipal user) =>
        user.Claims.Where(c => c.Type is "scope" or "scp").SelectMany(c => Parse(c.Value))
            .Concat(user.Claims.Where(c => c.Type is "roles" or "role" or ClaimTypes.Role).Select(c => c.Value));
}

/// <summary>The request's client must hold <see cref="Scope"/>.</summary>
internal sealed record ScopeRequirement(string Scope) : IAuthorizationRequirement;

internal sealed class ScopeRequirementHandler : AuthorizationHandler<ScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        if (context.User.Identity?.IsAuthenticated == true && Scopes.Of(context.User).Contains(requirement.Scope, StringComparer.Ordinal))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
