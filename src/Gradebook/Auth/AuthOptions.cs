using Microsoft.Extensions.Options;

namespace Gradebook.Auth;

/// <summary>Who may call Gradebook (section <c>Auth</c>): API keys by name, a JWT issuer, or nobody asked at all.</summary>
internal sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>API keys by client name: the name is who the key's holder is in logs and import records.</summary>
    public Dictionary<string, ApiKeyOptions> ApiKeys { get; set; } = [];

    public JwtOptions Jwt { get; set; } = new();

    /// <summary>The identity provider the dashboard signs people in with; without one, its sign-in page takes an API key.</summary>
    public OidcOptions Oidc { get; set; } = new();

    /// <summary>The dashboard's cookie session.</summary>
    public SessionOptions Session { get; set; } = new();

    /// <summary>True lets requests without credentials do everything, even on a non-loopback address.</summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>True when any way to authenticate is configured.</summary>
    public bool IsConfigured => ApiKeys.Count > 0 || Jwt.IsConfigured || Oidc.IsConfigured;

    /// <summary>
    /// Requests without credentials are let in as the anonymous client: when asked, or when nothing is configured
    /// (start-up has then made sure that Gradebook listens on loopback only).
    /// </summary>
    public bool AnonymousAllowed => AllowAnonymous || !IsConfigured;
}

/// <summary>One API key: its hash (the key itself is never stored) and what its holder may do.</summary>
internal sealed class ApiKeyOptions
{
    /// <summary>The lowercase hex SHA-256 of the key's UTF-8 text.</summary>
    public string Sha256 { get; set; } = "";

    /// <summary>Space-separated scopes, such as <c>scores:read scores:import</c>.</summary>
    public string Scopes { get; set; } = "";
}

/// <summary>
/// JWT bearer tokens: from an OpenID Connect authority (its discovery document gives the issuer and signing keys), or,
/// where there is none (tests, an offline deployment), an issuer with a shared HMAC signing key.
/// </summary>
internal sealed class JwtOptions
{
    /// <summary>The identity provider's https URL; its <c>.well-known/openid-configuration</c> is read at the first token.</summary>
    public string? Authority { get; set; }

    /// <summary>The audience every token must be for; required with either way of validating.</summary>
    public string? Audience { get; set; }

    /// <summary>The issuer tokens must come from when <see cref="SigningKey"/> is used.</summary>
    public string? Issuer { get; set; }

    /// <summary>A base64 HMAC-SHA256 key of at least 32 bytes, in place of an authority.</summary>
    public string? SigningKey { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Authority) || !string.IsNullOrWhiteSpace(SigningKey);
}

/// <summary>
/// The dashboard's sign-in through an OpenID Connect provider (authorization code with PKCE): the provider's groups
/// (or any claim named by <see cref="GroupsClaim"/>) are mapped to Gradebook's scopes by <see cref="Scopes"/>.
/// </summary>
internal sealed class OidcOptions
{
    /// <summary>The provider's URL; its <c>.well-known/openid-configuration</c> says where to send people.</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>The claim whose values are looked up in <see cref="Scopes"/>: <c>groups</c>, or <c>roles</c> for some providers.</summary>
    public string GroupsClaim { get; set; } = "groups";

    /// <summary>Space-separated OpenID Connect scopes asked of the provider besides <c>openid</c> and <c>profile</c>.</summary>
    public string RequestScopes { get; set; } = "";

    /// <summary>Gradebook's scopes (space-separated) for each group: <c>teachers</c> = <c>scores:read</c>.</summary>
    public Dictionary<string, string> Scopes { get; set; } = [];

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Authority);
}

/// <summary>The dashboard's cookie session, which either way of signing in starts.</summary>
internal sealed class SessionOptions
{
    /// <summary>How long a session lasts without a request; each request past half of it starts the time again.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(8);
}

/// <summary>Requests per client per window (sections <c>RateLimits:Reads</c> and <c>RateLimits:Imports</c>).</summary>
internal sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    public WindowLimit Reads { get; set; } = new() { PermitLimit = 6_000, Window = TimeSpan.FromMinutes(1) };

    public WindowLimit Imports { get; set; } = new() { PermitLimit = 60, Window = TimeSpan.FromMinutes(1) };
}

internal sealed class WindowLimit
{
    public int PermitLimit { get; set; }

    public TimeSpan Window { get; set; }
}

/// <summary>
/// Checks the keys and the JWT settings, and refuses to serve without authentication anywhere but on loopback,
/// unless that is asked for explicitly.
/// </summary>
internal sealed class AuthOptionsValidator(IConfiguration configuration) : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        foreach (var (client, key) in options.ApiKeys)
        {
            if (!ApiKeys.IsValidName(client))
            {
                failures.Add($"Auth:ApiKeys:{client} must be named with 1 to 64 letters, digits, '.', '-' or '_', and not '{Clients.Anonymous}'.");
            }

            if (!ApiKeys.IsHash(key.Sha256))
            {
                failures.Add($"Auth:ApiKeys:{client}:Sha256 must be 64 lowercase hex digits (the key's SHA-256; `new-api-key` prints it).");
            }

            failures.AddRange(UnknownScopes($"Auth:ApiKeys:{client}:Scopes", key.Scopes));
        }

        var jwt = options.Jwt;
        if (jwt.IsConfigured)
        {
            if (string.IsNullOrWhiteSpace(jwt.Audience))
            {
                failures.Add("Auth:Jwt:Audience is required with Auth:Jwt:Authority or Auth:Jwt:SigningKey.");
            }

            if (!string.IsNullOrWhiteSpace(jwt.Authority) && !string.IsNullOrWhiteSpace(jwt.SigningKey))
            {
                failures.Add("Auth:Jwt:Authority and Auth:Jwt:SigningKey are two ways to check tokens: give one.");
            }

            if (!string.IsNullOrWhiteSpace(jwt.Authority)
                && !(Uri.TryCreate(jwt.Authority, UriKind.Absolute, out var authority) && authority.Scheme == Uri.UriSchemeHttps))
            {
                failures.Add($"Auth:Jwt:Authority must be an absolute https URL (its signing keys are fetched from it), got '{jwt.Authority}'.");
            }

            if (!string.IsNullOrWhiteSpace(jwt.SigningKey))
            {
                if (string.IsNullOrWhiteSpace(jwt.Issuer))
                {
                    failures.Add("Auth:Jwt:Issuer is required with Auth:Jwt:SigningKey.");
                }

                if (SigningKeyBytes(jwt.SigningKey) is not { Length: >= 32 })
                {
                    failures.Add("Auth:Jwt:SigningKey must be base64 of at least 32 bytes.");
                }
            }
        }

        failures.AddRange(OidcFailures(options.Oidc));
        if (options.Session.Lifetime <= TimeSpan.Zero)
        {
            failures.Add($"Auth:Session:Lifetime must be longer than zero, got '{options.Session.Lifetime}'.");
        }

        if (!options.IsConfigured && !options.AllowAnonymous && ListenAddresses(configuration).FirstOrDefault(a => IsAddress(a) && !IsLoopback(a)) is { } open)
        {
            failures.Add(
                $"No authentication is configured and Gradebook would listen on {open}, which is not loopback: "
                + "add Auth:ApiKeys:<name>:Sha256 or Auth:Jwt:Authority, or set Auth:AllowAnonymous=true.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static IEnumerable<string> OidcFailures(OidcOptions oidc)
    {
        if (!oidc.IsConfigured)
        {
            yield break;
        }

        if (string.IsNullOrWhiteSpace(oidc.ClientId) || string.IsNullOrWhiteSpace(oidc.ClientSecret))
        {
            yield return "Auth:Oidc:ClientId and Auth:Oidc:ClientSecret are required with Auth:Oidc:Authority (the provider gives both when Gradebook is registered with it).";
        }

        if (!(Uri.TryCreate(oidc.Authority, UriKind.Absolute, out var authority)
            && (authority.Scheme == Uri.UriSchemeHttps || (authority.Scheme == Uri.UriSchemeHttp && authority.IsLoopback))))
        {
            yield return $"Auth:Oidc:Authority must be an absolute https URL (http only on loopback), got '{oidc.Authority}'.";
        }

        foreach (var failure in oidc.Scopes.SelectMany(g => UnknownScopes($"Auth:Oidc:Scopes:{g.Key}", g.Value)))
        {
            yield return failure;
        }
    }

    private static IEnumerable<string> UnknownScopes(string setting, string scopes) =>
        Scopes.Parse(scopes).Where(s => !Scopes.All.Contains(s))
            .Select(scope => $"{setting} has the unknown scope '{scope}'; the scopes are {string.Join(", ", Scopes.All)}.");

    public static byte[]? SigningKeyBytes(string value)
    {
        var bytes = new byte[value.Length];
        return Convert.TryFromBase64String(value, bytes, out var written) ? bytes[..written] : null;
    }

    /// <summary>
    /// The addresses Kestrel will listen on, as configured: its endpoints, else <c>urls</c> (<c>--urls</c>,
    /// <c>ASPNETCORE_URLS</c>), else <c>ASPNETCORE_HTTP_PORTS</c>/<c>HTTPS_PORTS</c> (every interface), else its default.
    /// </summary>
    public static IReadOnlyList<string> ListenAddresses(IConfiguration configuration)
    {
        var endpoints = configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"]).OfType<string>().ToList();
        if (endpoints.Count > 0)
        {
            return endpoints;
        }

        const StringSplitOptions Split = StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries;
        if (configuration["urls"] is { Length: > 0 } urls)
        {
            return urls.Split(';', Split);
        }

        var ports = $"{configuration["http_ports"]};{configuration["https_ports"]}".Split(';', Split);
        return ports.Length > 0 ? ports.Select(p => $"http://*:{p}").ToList() : [DefaultAddress];
    }

    /// <summary>Where Gradebook listens when no address is configured (Program sets it; Kestrel's own is 5000).</summary>
    public const string DefaultAddress = "http://localhost:5080";

    /// <summary>Whether no address is configured in any of the ways <see cref="ListenAddresses"/> reads.</summary>
    public static bool NoAddressConfigured(IConfiguration configuration) =>
        !configuration.GetSection("Kestrel:Endpoints").GetChildren().Any()
        && string.IsNullOrWhiteSpace(configuration["urls"])
        && string.IsNullOrWhiteSpace(configuration["http_ports"])
        && string.IsNullOrWhiteSpace(configuration["https_ports"]);

    /// <summary>Whether <paramref name="url"/> is an address at all; one that is not is the server's to refuse, with its own message.</summary>
    private static bool IsAddress(string url) => Uri.TryCreate(Normalised(url), UriKind.Absolute, out _);

    private static string Normalised(string url) =>
        url.Replace("://*", "://any", StringComparison.Ordinal).Replace("://+", "://any", StringComparison.Ordinal);

    public static bool IsLoopback(string url)
    {
        // Kestrel reads "*" and "+" as every interface; Uri would not parse them as hosts.
        return Uri.TryCreate(Normalised(url), UriKind.Absolute, out var uri) && uri.IsLoopback;
    }
}
