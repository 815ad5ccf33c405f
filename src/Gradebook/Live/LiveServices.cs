namespace Gradebook.Live;

internal static class LiveServices
{
    /// <summary>Registers the change log's reader that the live streams share.</summary>
    public static IServiceCollection AddLive(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LiveOptions>().Bind(configuration.GetSection(LiveOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ChangeFeed>();
        services.AddSingleton<LiveMetrics>();
        services.AddHostedService(provider => provider.GetRequiredService<ChangeFeed>());
        return services;
    }
}
