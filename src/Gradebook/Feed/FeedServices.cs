using Microsoft.Extensions.Options;

namespace Gradebook.Feed;

internal static class FeedServices
{
    /// <summary>Registers the live feed reader.</summary>
    public static IServiceCollection AddFeedIngestion(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<FeedOptions>().Bind(configuration.GetSection(FeedOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<FeedOptions>, FeedOptionsValidator>();
        services.AddSingleton<FeedStatus>();
        services.AddSingleton<FeedMetrics>();
        services.AddHostedService<FeedIngestion>();
        services.AddHostedService<IngestionSummary>();
        return services;
    }
}
