using System.Collections.Immutable;
using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Gradebook.Tests.Support;

/// <summary>Someone the identity provider signs in: a subject, a name and the groups they belong to.</summary>
internal sealed record TestUser(string Subject, string Name, params string[] Groups);

/// <summary>
/// A real OpenID Connect provider (OpenIddict's server) on a loopback port: authorization code with PKCE, one
/// confidential client, and an authorize endpoint that asks nothing and signs in <see cref="User"/> at once. It keeps
/// no store (OpenIddict's degraded mode), so the client and its redirect addresses are checked here.
/// </summary>
internal sealed class IdentityProvider : IAsyncDisposable
{
    public const string ClientId = "gradebook";
    public const string ClientSecret = "a-secret-only-the-tests-know";

    private readonly WebApplication _app;
    private int _endSessions;

    private IdentityProvider(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>Who the authorize endpoint signs in; null refuses everyone (access denied).</summary>
    public TestUser? User { get; set; } = new("t-1", "Ada Teacher", "teachers");

    /// <summary>The client's address, whose callback paths are the only redirect addresses accepted.</summary>
    public Uri? ClientAddress { get; set; }

    /// <summary>How many times someone was signed out here.</summary>
    public int EndSessions => Volatile.Read(ref _endSessions);

    public static async Task<IdentityProvider> StartAsync()
    {
        var address = new Uri($"http://127.0.0.1:{Ports.Free()}/");
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(address.ToString());
        builder.Logging.ClearProviders();
        IdentityProvider? provider = null;
        builder.Services.AddOpenIddict().AddServer(server =>
        {
            server.SetIssuer(address);
            server.SetAuthorizationEndpointUris("connect/authorize")
                .SetTokenEndpointUris("connect/token")
                .SetEndSessionEndpointUris("connect/endsession");
            server.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
            server.RegisterScopes(Scopes.Profile);
            server.AddEphemeralEncryptionKey().AddEphemeralSigningKey().DisableAccessTokenEncryption();
            server.EnableDegradedMode();
            server.UseAspNetCore()
                .EnableAuthorizationEndpointPassthrough()
                .EnableTokenEndpointPassthrough()
                .EnableEndSessionEndpointPassthrough()
                .DisableTransportSecurityRequirement();

            server.AddEventHandler<ValidateAuthorizationRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.ClientId != ClientId || context.RedirectUri != provider!.Callback("signin-oidc"))
                {
                    context.Reject(Errors.InvalidClient, "Unknown client or redirect address.");
                }

                return default;
            }));
            server.AddEventHandler<ValidateTokenRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.ClientId != ClientId || context.ClientSecret != ClientSecret)
                {
                    context.Reject(Errors.InvalidClient, "Unknown client or wrong secret.");
                }

                return default;
            }));
            server.AddEventHandler<ValidateEndSessionRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.PostLogoutRedirectUri is { } back && back != provider!.Callback("signout-callback-oidc"))
                {
                    context.Reject(Errors.InvalidRequest, "Unknown post-logout address.");
                }

                return default;
            }));
        });

        var app = builder.Build();
        provider = new IdentityProvider(app, address);
        app.UseAuthentication();
        app.MapGet("/connect/authorize", provider.Authorize);
        app.MapPost("/connect/token", async (HttpContext context) =>
        {
            var code = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            return Results.SignIn(code.Principal!, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        });
        app.MapGet("/connect/endsession", () =>
        {
            Interlocked.Increment(ref provider._endSessions);
            return Results.SignOut(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        });
        await app.StartAsync();
        return provider;
    }

    private string Callback(string path) => new Uri(ClientAddress!, path).ToString();

    private IResult Authorize(HttpContext context)
    {
        var request = context.GetOpenIddictServerRequest()!;
        if (User is not { } user)
        {
            return Results.Forbid(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, user.Subject).SetClaim(Claims.Name, user.Name).SetClaims("groups", [.. user.Groups]);
        identity.SetScopes(request.GetScopes());
        identity.SetDestinations(_ => [Destinations.IdentityToken, Destinations.AccessToken]);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
