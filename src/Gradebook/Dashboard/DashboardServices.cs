using Gradebook.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics;

namespace Gradebook.Dashboard;

internal static class DashboardServices
{
    /// <summary>The pages open to every caller: the error page, which a re-executed request reaches past the authorization middleware, and signing in and out.</summary>
    private static readonly string[] OpenPages = ["/Error", "/SignIn", "/SignOut"];

    /// <summary>The dashboard's pages: Razor Pages rendered on the server, under Dashboard/.</summary>
    public static IServiceCollection AddDashboard(this IServiceCollection services)
    {
        services.AddRazorPages(options =>
        {
            options.RootDirectory = "/Dashboard";

            options.Conventions.AddFolderApplicationModelConvention("/", page =>
            {
                if (!OpenPages.Contains(page.ViewEnginePath))
                {
                    page.EndpointMetadata.Add(new AuthorizeAttribute(Scopes.ScoresRead));
                }
            });
        });
        services.AddSingleton<FeedHistory>();
        services.AddHostedService(provider => provider.GetRequiredService<FeedHistory>());
        return services;
    }

    /// <summary>
    /// Serves the pages and their static files (wwwroot), and an HTML page for an error without a body when a browser
    /// asked for a page; every other client keeps the problem details the API answers with.
    /// </summary>
    public static WebApplication MapDashboard(this WebApplication app)
    {
        app.UseStaticFiles();
        app.UseStatusCodePagesWithReExecute("/error/{0}");
        app.Use((context, next) =>
        {
            // Only a browser's navigation is shown the page: the API's problem details answer everything else.
            if (!Sessions.AsksForPage(context) && context.Features.Get<IStatusCodePagesFeature>() is { } pages)
            {
                pages.Enabled = false;
            }

            return next(context);
        });
        app.MapRazorPages().RequireRateLimiting(RateLimits.Reads);
        return app;
    }
}
