namespace Gradebook.Imports;

internal static class ImportServices
{
    /// <summary>Registers batch imports of Markr documents and their settings.</summary>
    public static IServiceCollection AddImports(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ImportOptions>().Bind(configuration.GetSection(ImportOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Importer>();
        return services;
    }
}
