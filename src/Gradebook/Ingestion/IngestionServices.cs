namespace Gradebook.Ingestion;

internal static class IngestionServices
{
    /// <summary>Registers the configured feeds, their metrics and the periodic summary of what they ingest.</summary>
    public static IServiceCollection AddIngestion(this IServiceCollection services, IConfiguration configuration)
    {
        // Read when first asked for, which Program does before the server starts, so a bad feed stops start-up with one line.
        services.AddSingleton(_ => FeedCatalog.Read(configuration));
        services.AddSingleton<FeedMetrics>();
        services.AddHostedService<IngestionSummary>();

        // The host gives its services this long to stop: never less than the longest drain, and a margin to let go.
        services.AddOptions<HostOptions>().Configure<FeedCatalog>((host, catalog) =>
        {
            var drain = catalog.Feeds.Select(f => f.Options.DrainTimeout).DefaultIfEmpty(TimeSpan.Zero).Max() + TimeSpan.FromSeconds(5);
            host.ShutdownTimeout = drain > host.ShutdownTimeout ? drain : host.ShutdownTimeout;
        });
        return services;
    }
}
