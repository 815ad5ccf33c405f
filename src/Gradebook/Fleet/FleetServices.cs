namespace Gradebook.Fleet;

internal static class FleetServices
{
    /// <summary>Registers this instance's part in the fleet: taking, ingesting and giving back the configured feeds.</summary>
    public static IServiceCollection AddFleet(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<FleetOptions>().Bind(configuration.GetSection(FleetOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<FeedSupervisor>();
        services.AddHostedService(provider => provider.GetRequiredService<FeedSupervisor>());
        return services;
    }
}
