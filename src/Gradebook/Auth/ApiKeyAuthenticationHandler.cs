using System.Buffers.Text;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Gradebook.Auth;

/// <summary>The configured API keys, decoded once: a name, the SHA-256 of the key, and the principal it authenticates as.</summary>
internal sealed class ApiKeyRing(IOptions<AuthOptions> options)
{
    private readonly (byte[] Hash, ClaimsPrincipal Principal)[] _keys = options.Value.ApiKeys
        .Select(k => (Convert.FromHexString(k.Value.Sha256), Principal(k.Key, Scopes.Parse(k.Value.Scopes))))
        .ToArray();

    /// <summary>The principal of the key whose hash matches, comparing every configured hash in constant time.</summary>
    public ClaimsPrincipal? Find(string key) => FindHash(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>The principal of the key with this SHA-256, if it is still configured: what a key's session is checked against.</summary>
    public ClaimsPrincipal? FindHash(byte[] hash)
    {
        ClaimsPrincipal? found = null;
        foreach (var (candidate, principal) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, candidate))
            {
                found = principal;
            }
        }

        return found;
    }

    private static ClaimsPrincipal Principal(string name, IEnumerable<string> scopes) =>
        new(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, name), .. scopes.Select(s => new Claim("scope", s))], ApiKeyAuthenticationHandler.SchemeName));
}

/// <summary>
/// Authenticates an API key sent as <c>X-Api-Key</c> or <c>Authorization: Bearer</c>. A request without credentials is
/// the anonymous client, holding every scope, when Gradebook runs open; otherwise it is not authenticated.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyRing keys,
    IOptions<AuthOptions> auth)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? key = Request.Headers[Header];
        if (key is null && Request.Headers.Authorization.FirstOrDefault() is { } authorization)
        {
            if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                return Task.FromResult(AuthenticateResult.Fail("The Authorization header must use the Bearer scheme."));
            }

            key = authorization["Bearer ".Length..].Trim();
        }

        if (key is null)
        {
            return Task.FromResult(auth.Value.AnonymousAllowed
                ? AuthenticateResult.Success(new AuthenticationTicket(Clients.AnonymousPrincipal, SchemeName))
                : AuthenticateResult.NoResult());
        }

        return Task.FromResult(keys.Find(key) is { } principal
            ? AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName))
            : AuthenticateResult.Fail(LooksLikeJwt(key)
                ? "The bearer token is a JWT, and Gradebook accepts none: no identity provider is configured (Auth:Jwt). Send an API key."
                : "The API key is not one Gradebook knows."));
    }

    /// <summary>Three dot-separated base64url parts, the first a JSON header naming an algorithm: a JWT, not a key.</summary>
    private static bool LooksLikeJwt(string credential)
    {
        var parts = credential.Split('.');
        if (parts.Length != 3)
        {
            return false;
        }

        try
        {
            var header = Base64Url.DecodeFromChars(parts[0]);
            using var json = JsonDocument.Parse(header);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("alg", out _);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return false;
        }
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.Append(HeaderNames.WWWAuthenticate, "Bearer realm=\"Gradebook\"");
        return Task.CompletedTask;
    }
}
