namespace Gradebook.Retention;

internal static class RetentionServices
{
    /// <summary>The retention policy's settings and pass, for the service and the <c>archive</c> command; the service adds <see cref="RetentionService"/>.</summary>
    public static IServiceCollection AddRetention(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RetentionOptions>().Bind(configuration.GetSection(RetentionOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddMetrics();
        services.AddSingleton<RetentionMetrics>();
        services.AddSingleton<RawRecordRetention>();
        return services;
    }
}
