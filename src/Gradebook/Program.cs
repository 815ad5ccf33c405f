using Gradebook.Api;
using Gradebook.Emulator;
using Gradebook.Exams;
using Gradebook.Feed;
using Gradebook.Imports;
using Gradebook.Operations;
using Gradebook.Rebuild;
using Gradebook.Storage;
using Gradebook.Students;
using Microsoft.Extensions.Options;

// `dotnet run -- rebuild` re-derives the store from its raw record and exits.
if (args.FirstOrDefault() == "rebuild")
{
    return await RebuildCommand.RunAsync(args[1..]);
}

// `dotnet run -- emulator` serves only the emulated feed, for running it on its own.
var emulatorOnly = args.FirstOrDefault() == "emulator";
var builder = WebApplication.CreateBuilder(emulatorOnly ? args[1..] : args);

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddProblemDetails();
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, GradebookJsonContext.Default));
builder.Services.AddEmulator(builder.Configuration);
if (!emulatorOnly)
{
    builder.Services.AddOpenApi();
    builder.Services.AddGradebookStore(builder.Configuration);
    builder.Services.AddFeedIngestion(builder.Configuration);
    builder.Services.AddGradebookHealthChecks();
    builder.Services.AddSingleton<PrometheusExport>();
    builder.Services.AddImports(builder.Configuration);
    builder.Services.AddReadCache(provider => provider.GetRequiredService<ReadStore>().GetDataVersionAsync);
}
else
{
    builder.Services.AddHealthChecks();
}

var app = builder.Build();
try
{
    // Settings and the database are checked before the server starts, so a bad one stops start-up with one clear line.
    app.Services.GetService<IStartupValidator>()?.Validate();
    if (!emulatorOnly)
    {
        var version = await app.Services.GetRequiredService<Migrations>().MigrateAsync(CancellationToken.None);
        var dialect = app.Services.GetRequiredService<StoreEngine>().Dialect;
        LogStoreReady(app.Logger, dialect, version);
    }
}
catch (Exception e) when (e is StoreUnavailableException or OptionsValidationException
    || (e is InvalidOperationException && e.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal)))
{
    // Written straight to stderr: the logger may not flush before the process exits.
    await Console.Error.WriteLineAsync($"Gradebook cannot start: {e.Message}");
    return 1;
}

app.UseExceptionHandler();
app.UseStatusCodePages();
if (emulatorOnly)
{
    app.MapHealthChecks("/healthz");
    app.MapEmulator();
}
else
{
    app.UseReadCache();
    app.MapOpenApi();
    app.MapHealth();
    app.MapMetrics();
    app.MapIngestion();
    app.MapStudents();
    app.MapExams();
    app.MapImports();
    app.MapResults();
    if (app.Services.GetRequiredService<IOptions<FeedOptions>>().Value.UsesEmulator)
    {
        LogEmbeddedEmulator(app.Logger);
        app.MapEmulator();
    }
}

await app.RunAsync();
return 0;

/// <summary>The host's entry point, visible to the integration tests.</summary>
public partial class Program
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Store ready: {Dialect}, schema version {Version}")]
    private static partial void LogStoreReady(ILogger logger, SqlDialect dialect, int version);

    [LoggerMessage(Level = LogLevel.Information, Message = "No Feed:Url is configured: serving the built-in emulator at /scores and ingesting from it")]
    private static partial void LogEmbeddedEmulator(ILogger logger);
}
