using Gradebook.Auth;

namespace Gradebook.Dashboard;

internal static class DashboardServices
{
    /// <summary>The dashboard's pages: Razor Pages rendered on the server, under Dashboard/.</summary>
    public static IServiceCollection AddDashboard(this IServiceCollection services)
    {
        services.AddRazorPages(options => options.RootDirectory = "/Dashboard");
        return services;
    }

    /// <summary>Serves the pages and their one script and stylesheet (wwwroot).</summary>
    public static WebApplication MapDashboard(this WebApplication app)
    {
        app.UseStaticFiles();
        app.MapRazorPages().RequireAuthorization(Scopes.ScoresRead).RequireRateLimiting(RateLimits.Reads);
        return app;
    }
}
