using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Gradebook.Auth;

internal static partial class AuthServices
{
    /// <summary>
    /// The default scheme: sends a JWT to the JWT bearer handler, any other credential in a header to the API key
    /// handler, and a browser (its session cookie, or a page asked for while credentials are required) to the session.
    /// </summary>
    public const string Scheme = "Gradebook";
    public const string JwtScheme = "Jwt";

    /// <summary>Registers authentication (API keys, JWTs, the dashboard's sessions and their key ring), the scope policies, rate limits, CORS and the OpenAPI security schemes.</summary>
    public static IServiceCollection AddGradebookAuth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        services.AddSingleton<ApiKeyRing>();
        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "API key, JWT or session", o => o.ForwardDefaultSelector = SelectScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddJwtBearer(JwtScheme)
            .AddSessions(configuration);
        services.AddSessionKeyRing(configuration);
        services.AddOptions<JwtBearerOptions>(JwtScheme).Configure<IOptions<AuthOptions>>((o, auth) => ConfigureJwt(o, auth.Value.Jwt));

        var authorization = services.AddAuthorizationBuilder();
        foreach (var scope in Scopes.All)
        {
            authorization.AddPolicy(scope, p => p.AddRequirements(new ScopeRequirement(scope)));
        }

        services.AddSingleton<IAuthorizationHandler, ScopeRequirementHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, AuthorizationProblems>();
        services.AddGradebookRateLimits(configuration);
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure(o =>
        {
            if (Origins(configuration) is { Length: > 0 } origins)
            {
                o.AddDefaultPolicy(p => p.WithOrigins(origins).WithMethods("GET", "POST")
                    .WithHeaders("Authorization", ApiKeyAuthenticationHandler.Header, "Content-Type"));
            }
        });
        services.ConfigureAll<OpenApiOptions>(o => o.AddGradebookSecurity());
        return services;
    }

    /// <summary>
    /// Security headers, CORS (when origins are configured), authentication, the sessions' cross-site checks,
    /// authorization and rate limits, in that order.
    /// </summary>
    public static WebApplication UseGradebookAuth(this WebApplication app)
    {
        var auth = app.Services.GetRequiredService<IOptions<AuthOptions>>().Value;
        if (auth.AllowAnonymous)
        {
            LogAnonymousAllowed(app.Logger);
        }
        else if (!auth.IsConfigured)
        {
            LogOpenOnLoopback(app.Logger, string.Join(", ", AuthOptionsValidator.ListenAddresses(app.Configuration)));
        }

        app.UseSecurityHeaders();
        app.UseCors();
        app.UseAuthentication();
        app.UseCrossSiteRequestChecks();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }

    private static string SelectScheme(HttpContext context)
    {
        var auth = context.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value;
        var authorization = context.Request.Headers.Authorization.ToString();
        var isJwt = authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization.Count(c => c == '.') == 2;
        if (isJwt && auth.Jwt.IsConfigured)
        {
            return JwtScheme;
        }

        var sentCredential = authorization.Length > 0 || context.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.Header);
        var browser = context.Request.Cookies.ContainsKey(Sessions.CookieName) || (!auth.AnonymousAllowed && Sessions.AsksForPage(context));
        return browser && !sentCredential ? Sessions.Scheme : ApiKeyAuthenticationHandler.SchemeName;
    }

    private static void ConfigureJwt(JwtBearerOptions options, JwtOptions jwt)
    {
        // Claims keep the names the token gives them (sub, scope, scp, roles), not the SOAP-era URIs.
        options.MapInboundClaims = false;
        options.TokenValidationParameters.NameClaimType = "sub";
        options.TokenValidationParameters.RoleClaimType = "roles";
        options.TokenValidationParameters.AuthenticationType = JwtScheme;
        options.Audience = jwt.Audience;
        if (!string.IsNullOrWhiteSpace(jwt.Authority))
        {
            options.Authority = jwt.Authority;
        }
        else if (!string.IsNullOrWhiteSpace(jwt.SigningKey))
        {
            options.TokenValidationParameters.ValidIssuer = jwt.Issuer;
            options.TokenValidationParameters.IssuerSigningKey = new SymmetricSecurityKey(AuthOptionsValidator.SigningKeyBytes(jwt.SigningKey));
        }
    }

    /// <summary><c>Cors:Origins</c>, as a list or one space- or comma-separated string.</summary>
    private static string[] Origins(IConfiguration configuration)
    {
        var section = configuration.GetSection("Cors:Origins");
        return section.Value is { } value
            ? value.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries)
            : section.Get<string[]>() ?? [];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No authentication is configured: Gradebook is open to every request, which it allows only because it listens on loopback only ({Addresses}). Add Auth:ApiKeys or Auth:Jwt to require credentials")]
    private static partial void LogOpenOnLoopback(ILogger logger, string addresses);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Auth:AllowAnonymous is true: requests without credentials may do everything")]
    private static partial void LogAnonymousAllowed(ILogger logger);
}
