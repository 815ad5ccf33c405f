namespace Gradebook.Storage;

internal static class StorageServices
{
    /// <summary>Registers the configured engine and the store's jobs over it; Program migrates it before the server starts.</summary>
    public static IServiceCollection AddGradebookStore(this IServiceCollection services, IConfiguration configuration)
    {
        RowMapping.Configure();
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<StoreEngine>(provider =>
        {
            var options = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
            var connectionString = configuration.GetConnectionString("Gradebook");
            return options.Provider switch
            {
                StorageProvider.Sqlite => new SqliteEngine(string.IsNullOrWhiteSpace(connectionString)
                    ? StorageOptions.DefaultSqliteConnectionString
                    : connectionString),
                StorageProvider.Postgres => string.IsNullOrWhiteSpace(connectionString)
                    ? throw new StoreUnavailableException(
                        "Storage:Provider is Postgres but ConnectionStrings:Gradebook is empty: set it (ConnectionStrings__Gradebook) to an Npgsql connection string such as 'Host=localhost;Database=gradebook;Username=gradebook'.",
                        new InvalidOperationException("ConnectionStrings:Gradebook is empty."))
                    : new PostgresEngine(connectionString),
                _ => throw new StoreUnavailableException($"Storage:Provider '{options.Provider}' is not supported.", new NotSupportedException()),
            };
        });
        services.AddSingleton<Migrations>();
        services.AddSingleton<BatchWriter>();
        services.AddSingleton<FeedStore>();
        services.AddSingleton<ImportStore>();
        services.AddSingleton(provider => new ReadStore(provider.GetRequiredKeyedService<StoreEngine>(ReadReplica.Key)));
        services.AddKeyedSingleton<StoreEngine>(ReadReplica.Key, (provider, _) =>
            configuration.GetConnectionString(ReadReplica.ConnectionStringName) is { Length: > 0 } replica
                ? ReadReplica.Open(configuration, replica)
                : provider.GetRequiredService<StoreEngine>());
        services.AddSingleton<ReadReplica>();
        services.AddSingleton<DataVersionSource>();
        services.AddHostedService<DataVersionListener>();
        services.AddSingleton<RebuildStore>();
        services.AddSingleton<FleetStore>();
        services.AddSingleton<ChangeLogStore>();
        services.AddSingleton<StudentDataStore>();
        services.AddSingleton<RawRecordStore>();
        return services;
    }
}
