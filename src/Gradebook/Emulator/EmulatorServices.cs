namespace Gradebook.Emulator;

internal static class EmulatorServices
{
    public static IServiceCollection AddEmulator(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EmulatorOptions>().Bind(configuration.GetSection(EmulatorOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ScoreFeed>();
        return services;
    }
}
