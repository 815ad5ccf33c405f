using System.Security.Claims;

namespace Gradebook.Auth;

/// <summary>Who is calling, as logs, import records and rate limits name them: a key's name, a token's subject, or anonymous.</summary>
internal static class Clients
{
    public const string Anonymous = "anonymous";

    private const string AnonymousType = "Anonymous";

    /// <summary>The client of a request without credentials while Gradebook runs open: it may do everything.</summary>
    public static readonly ClaimsPrincipal AnonymousPrincipal = new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Name, Anonymous), .. Scopes.All.Select(s => new Claim("scope", s))], AnonymousType));

    public static string Name(ClaimsPrincipal user) => user.Identity is { IsAuthenticated: true } identity
        ? identity.Name ?? user.FindFirst("client_id")?.Value ?? user.FindFirst("azp")?.Value ?? "unnamed"
        : Anonymous;

    public static bool IsAnonymous(ClaimsPrincipal user) => user.Identity is not { IsAuthenticated: true } || user.Identity.AuthenticationType == AnonymousType;

    /// <summary>The credential a principal came with, for messages: "the key 'scanner-1'", "the token of 'alice'".</summary>
    public static string Describe(ClaimsPrincipal user) => user.Identity?.AuthenticationType switch
    {
        ApiKeyAuthenticationHandler.SchemeName => $"the key '{Name(user)}'",
        Sessions.Scheme => $"the dashboard session of '{Name(user)}'",
        _ => $"the token of '{Name(user)}'",
    };
}
