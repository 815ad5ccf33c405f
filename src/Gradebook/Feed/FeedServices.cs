namespace Gradebook.Feed;

internal static class FeedServices
{
    /// <summary>Registers the configured feeds and this instance's part in ingesting them.</summary>
    public static IServiceCollection AddFeedIngestion(this IServiceCollection services, IConfiguration configuration)
    {
        // Read when first asked for, which Program does before the server starts, so a bad feed stops start-up with one line.
        services.AddSingleton(_ => FeedCatalog.Read(configuration));
        services.AddOptions<FleetOptions>().Bind(configuration.GetSection(FleetOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<FeedMetrics>();
        services.AddSingleton<FeedSupervisor>();
        services.AddHostedService(provider => provider.GetRequiredService<FeedSupervisor>());
        services.AddHostedService<IngestionSummary>();
        return services;
    }
}
