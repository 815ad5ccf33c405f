using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Gradebook.Auth;

/// <summary>
/// The dashboard's cookie session: started by the identity provider (OpenID Connect, authorization code with PKCE) or,
/// without one, by an API key given once on the sign-in page. The cookie holds who signed in and their scopes (for a
/// key, its name and hash, never the key), encrypted with the key ring of <see cref="SessionKeys"/>.
/// </summary>
internal static partial class Sessions
{
    public const string Scheme = "Session";
    public const string OidcScheme = "Oidc";
    public const string CookieName = "gradebook-session";
    public const string SignInPath = "/signin";
    public const string SignOutPath = "/signout";

    /// <summary>Where the provider sends people back to, with the code, and after signing out.</summary>
    public const string CallbackPath = "/signin-oidc";
    public const string SignedOutCallbackPath = "/signout-callback-oidc";

    /// <summary>The SHA-256 of the key a session was started with: a revoked (or replaced) key ends the session.</summary>
    private const string KeyHashClaim = "key_sha256";

    public static AuthenticationBuilder AddSessions(this AuthenticationBuilder authentication, IConfiguration configuration)
    {
        authentication.AddCookie(Scheme);
        authentication.Services.AddOptions<CookieAuthenticationOptions>(Scheme).Configure<IOptions<AuthOptions>, TimeProvider>((o, auth, time) =>
        {
            o.Cookie.Name = CookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = auth.Value.Session.Lifetime;
            o.SlidingExpiration = true;
            o.LoginPath = SignInPath;
            o.LogoutPath = SignOutPath;
            o.TimeProvider = time;
            o.Events.OnRedirectToLogin = RedirectToSignInAsync;
            o.Events.OnValidatePrincipal = EndIfKeyRevokedAsync;
        });

        if (configuration.GetSection($"{AuthOptions.Section}:Oidc").Get<OidcOptions>() is { IsConfigured: true })
        {
            authentication.AddOpenIdConnect(OidcScheme, "Identity provider", _ => { });
            authentication.Services.AddOptions<OpenIdConnectOptions>(OidcScheme).Configure<IOptions<AuthOptions>>((o, auth) => ConfigureOidc(o, auth.Value.Oidc));
        }

        authentication.Services.AddAntiforgery();
        return authentication;
    }

    /// <summary>A browser navigating (GET, text/html accepted by name): not a script or a command-line client.</summary>
    public static bool AsksForPage(HttpContext context) =>
        (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
        && context.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether the request's client is a browser session, whose state-changing calls are checked for cross-site use.</summary>
    public static bool IsSession(ClaimsPrincipal user) => user.Identity is { IsAuthenticated: true, AuthenticationType: Scheme };

    /// <summary>
    /// Whether the dashboard's pages open for this request rather than send it to sign in: it has credentials (a
    /// session, a key, a token) or none are required.
    /// </summary>
    public static bool MayBrowse(HttpContext context) =>
        context.User.Identity is { IsAuthenticated: true }
        || context.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value.AnonymousAllowed;

    public static bool UsesProvider(HttpContext context) =>
        context.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value.Oidc.IsConfigured;

    /// <summary>Starts a session for the holder of <paramref name="key"/>, or returns false when it is not a configured key.</summary>
    public static async Task<bool> SignInWithKeyAsync(HttpContext context, string key)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        if (context.RequestServices.GetRequiredService<ApiKeyRing>().FindHash(hash) is not { } holder)
        {
            return false;
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, Clients.Name(holder)), new Claim(KeyHashClaim, Convert.ToHexStringLower(hash)), .. holder.FindAll("scope")],
            Scheme);
        await context.SignInAsync(Scheme, new ClaimsPrincipal(identity));
        return true;
    }

    /// <summary>Ends the session, and at the provider too when it started there; the browser ends up on <paramref name="then"/>.</summary>
    public static async Task SignOutAsync(HttpContext context, string then)
    {
        var atProvider = UsesProvider(context) && context.User.FindFirst(KeyHashClaim) is null && IsSession(context.User);
        await context.SignOutAsync(Scheme);
        if (atProvider)
        {
            await context.SignOutAsync(OidcScheme, new AuthenticationProperties { RedirectUri = then });
        }
        else
        {
            context.Response.Redirect(then);
        }
    }

    /// <summary>
    /// A page asked for without a session goes to sign in (the provider, or the key sign-in page) and comes back; a
    /// script's call is refused with the API's 401 problem, which <see cref="AuthorizationProblems"/> writes.
    /// </summary>
    private static Task RedirectToSignInAsync(RedirectContext<CookieAuthenticationOptions> context)
    {
        var http = context.HttpContext;
        if (!AsksForPage(http))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Task.CompletedTask;
        }

        if (UsesProvider(http))
        {
            var back = $"{http.Request.PathBase}{http.Request.Path}{http.Request.QueryString}";
            return http.ChallengeAsync(OidcScheme, new AuthenticationProperties { RedirectUri = back });
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    /// <summary>A key's session lasts only while its key is configured, with the same scopes, as it was at sign-in.</summary>
    private static async Task EndIfKeyRevokedAsync(CookieValidatePrincipalContext context)
    {
        if (context.Principal?.FindFirst(KeyHashClaim)?.Value is not { } hash)
        {
            return;
        }

        var current = context.HttpContext.RequestServices.GetRequiredService<ApiKeyRing>().FindHash(Convert.FromHexString(hash));
        if (current is not null && ScopesOf(current).SetEquals(ScopesOf(context.Principal)))
        {
            return;
        }

        var logger = Logger(context.HttpContext);
        var client = Clients.Name(context.Principal);
        LogKeySessionEnded(logger, client);
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(Scheme);
    }

    private static HashSet<string> ScopesOf(ClaimsPrincipal user) => [.. Scopes.Of(user)];

    private static void ConfigureOidc(OpenIdConnectOptions options, OidcOptions oidc)
    {
        options.Authority = oidc.Authority;
        options.ClientId = oidc.ClientId;
        options.ClientSecret = oidc.ClientSecret;
        options.RequireHttpsMetadata = new Uri(oidc.Authority!).Scheme == Uri.UriSchemeHttps;
        options.ResponseType = OpenIdConnectResponseType.Code;
        options.UsePkce = true;

        // The code comes back on a top-level GET, which a SameSite=Lax cookie (the correlation and nonce ones here)
        // goes with; a form post from the provider's site would need SameSite=None.
        options.ResponseMode = OpenIdConnectResponseMode.Query;
        options.CorrelationCookie.SameSite = SameSiteMode.Lax;
        options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.NonceCookie.SameSite = SameSiteMode.Lax;
        options.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.CallbackPath = CallbackPath;
        options.SignedOutCallbackPath = SignedOutCallbackPath;
        options.SignInScheme = Scheme;
        options.SignOutScheme = Scheme;
        options.MapInboundClaims = false;
        options.Scope.Clear();
        foreach (var scope in Scopes.Parse($"openid profile {oidc.RequestScopes}").Distinct())
        {
            options.Scope.Add(scope);
        }

        // A refusal at the provider (access denied, a sign-in abandoned) is a page saying so, not a server error.
        options.Events.OnRemoteFailure = context =>
        {
            var logger = Logger(context.HttpContext);
            var reason = context.Failure?.Message ?? "no reason given";
            LogProviderSignInFailed(logger, reason);
            context.Response.Redirect($"{SignInPath}?failed=true");
            context.HandleResponse();
            return Task.CompletedTask;
        };

        options.Events.OnTokenValidated = context =>
        {
            context.Principal = FromProvider(context.Principal!, oidc);

            // Only the identity token is kept (in the encrypted cookie): the provider asks for it back at sign-out.
            if ((context.TokenEndpointResponse?.IdToken ?? context.ProtocolMessage.IdToken) is { } idToken)
            {
                context.Properties!.StoreTokens([new AuthenticationToken { Name = OpenIdConnectParameterNames.IdToken, Value = idToken }]);
            }

            return Task.CompletedTask;
        };
    }

    /// <summary>The session's principal for someone the provider vouches for: a name, and the scopes their groups map to.</summary>
    private static ClaimsPrincipal FromProvider(ClaimsPrincipal provided, OidcOptions oidc)
    {
        var subject = provided.FindFirst("sub")?.Value ?? "";
        var name = provided.FindFirst("name")?.Value ?? provided.FindFirst("preferred_username")?.Value ?? subject;
        var groups = provided.FindAll(oidc.GroupsClaim).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        var scopes = oidc.Scopes.Where(g => groups.Contains(g.Key)).SelectMany(g => Scopes.Parse(g.Value)).Distinct();
        return new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, name), new Claim("sub", subject), .. scopes.Select(s => new Claim("scope", s))], Scheme));
    }

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(Sessions).FullName!);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Signing in at the identity provider did not succeed: {Reason}")]
    private static partial void LogProviderSignInFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ended the dashboard session of key {Client}: the key is no longer configured as it was")]
    private static partial void LogKeySessionEnded(ILogger logger, string client);
}
