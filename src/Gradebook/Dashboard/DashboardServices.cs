using Gradebook.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics;

namespace Gradebook.Dashboard;

internal static class DashboardServices
{
    private const string ErrorPage = "/Error";

    /// <summary>The dashboard's pages: Razor Pages rendered on the server, under Dashboard/.</summary>
    public static IServiceCollection AddDashboard(this IServiceCollection services)
    {
        services.AddRazorPages(options =>
        {
            options.RootDirectory = "/Dashboard";

            // Every page but the error page, which a re-executed request reaches past the authorization middleware.
            options.Conventions.AddFolderApplicationModelConvention("/", page =>
            {
                if (page.ViewEnginePath != ErrorPage)
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
            if (!AsksForPage(context) && context.Features.Get<IStatusCodePagesFeature>() is { } pages)
            {
                pages.Enabled = false;
            }

            return next(context);
        });
        app.MapRazorPages().RequireRateLimiting(RateLimits.Reads);
        return app;
    }

    /// <summary>A browser navigating (GET, text/html accepted by name): not a script or a command-line client.</summary>
    private static bool AsksForPage(HttpContext context) =>
        (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
        && context.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));
}
