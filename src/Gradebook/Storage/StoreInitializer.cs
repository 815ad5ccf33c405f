namespace Gradebook.Storage;

/// <summary>Brings the schema up to date before anything else starts; a store that cannot be reached stops start-up.</summary>
internal sealed partial class StoreInitializer(Store store, ILogger<StoreInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.MigrateAsync(cancellationToken);
        var versions = await store.AppliedMigrationsAsync(cancellationToken);
        LogReady(store.Dialect, versions.Count == 0 ? 0 : versions[^1]);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Store ready: {Dialect}, schema version {Version}")]
    private partial void LogReady(SqlDialect dialect, int version);
}
