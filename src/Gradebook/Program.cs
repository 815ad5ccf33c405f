using System.Text.Json.Serialization;
using Gradebook.Api;
using Gradebook.Auth;
using Gradebook.Dashboard;
using Gradebook.Emulator;
using Gradebook.Exams;
using Gradebook.Feed;
using Gradebook.Fleet;
using Gradebook.Imports;
using Gradebook.Ingestion;
using Gradebook.Live;
using Gradebook.Operations;
using Gradebook.Rebuild;
using Gradebook.Retention;
using Gradebook.Storage;
using Gradebook.Students;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

// The command line picks what runs (see Program.Commands.cs); serving the API is the default.
return await RunCommandLineAsync(args);

/// <summary>A setting whose text cannot be converted to its type (a word where a number belongs).</summary>
internal sealed class SettingConversionException(string message, Exception inner) : Exception(message, inner);

/// <summary>The host's entry point, visible to the integration tests.</summary>
public partial class Program
{
    /// <summary><c>serve</c> (or no command): the API and the feeds' ingestion; <c>emulator</c>: only the emulated feed.</summary>
    private static async Task<int> ServeAsync(string[] settings, bool emulatorOnly)
    {
        var builder = WebApplication.CreateBuilder(settings);

        // The default address is set here, not in launchSettings.json, whose address `dotnet run` would put over the user's
        // ASPNETCORE_URLS and ASPNETCORE_HTTP_PORTS.
        if (AuthOptionsValidator.NoAddressConfigured(builder.Configuration))
        {
            builder.WebHost.UseUrls(AuthOptionsValidator.DefaultAddress);
        }

        builder.Services.AddSingleton(TimeProvider.System);
        // appsettings.json's timestamp format ends in a space to set it off in plain lines; a JSON field needs none.
        builder.Services.PostConfigure<JsonConsoleFormatterOptions>(o => o.TimestampFormat = o.TimestampFormat?.TrimEnd());
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<BadRequestHandler>();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestLineSize = LongRequestTargets.MaxRequestLineSize);
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            // Each feature folder lists its own response bodies; they are asked before the reflection-based resolver.
            JsonSerializerContext[] contexts =
                [StudentsJsonContext.Default, ExamsJsonContext.Default, ImportsJsonContext.Default, OperationsJsonContext.Default, LiveJsonContext.Default];
            for (var i = 0; i < contexts.Length; i++)
            {
                o.SerializerOptions.TypeInfoResolverChain.Insert(i, contexts[i]);
            }
        });
        builder.Services.AddEmulator(builder.Configuration);
        if (!emulatorOnly)
        {
            builder.Services.AddOpenApi(openApi => openApi.AddDocumentTransformer<HeadRequests.OmitFromDocument>().AddDocumentTransformer<ApiDocument>());
            builder.Services.AddGradebookStore(builder.Configuration);
            builder.Services.AddIngestion(builder.Configuration);
            builder.Services.AddFleet(builder.Configuration);
            builder.Services.AddGradebookHealthChecks();
            builder.Services.AddSingleton<PrometheusExport>();
            builder.Services.AddSingleton<IngestionReports>();
            builder.Services.AddImports(builder.Configuration);
            builder.Services.AddGradebookAuth(builder.Configuration);
            builder.Services.AddLive(builder.Configuration);
            builder.Services.AddDashboard();
            builder.Services.AddStudentData();
            builder.Services.AddRetention(builder.Configuration).AddHostedService<RetentionService>();
            builder.Services.AddReadCache(provider => provider.GetRequiredService<DataVersionSource>().CurrentAsync);
        }
        else
        {
            builder.Services.AddHealthChecks();
        }

        // A start-up failure is reported below in one line; the host's own report of it would add a stack trace.
        var started = false;
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", level => level >= LogLevel.Information && (started || level < LogLevel.Error));

        WebApplication app;
        try
        {
            // Settings and the database are checked before the server starts, so a bad one stops start-up with one clear line.
            app = BuildValidated(builder);
            if (!emulatorOnly)
            {
                var version = await app.Services.GetRequiredService<Migrations>().MigrateAsync(CancellationToken.None);
                app.Services.GetRequiredService<ReadStore>();
                var dialect = app.Services.GetRequiredService<StoreEngine>().Dialect;
                LogStoreReady(app.Logger, dialect, version);
            }
        }
        catch (Exception e) when (e is StoreUnavailableException or OptionsValidationException or SettingConversionException)
        {
            return await CannotStartAsync(e.Message);
        }

        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseLongRequestTargetRefusal();

        // Every endpoint goes through one root group, so each GET endpoint answers HEAD as well.
        var routes = app.MapGroup("").AnswerHeadLikeGet();
        if (emulatorOnly)
        {
            routes.MapHealthChecks("/healthz").OnlyGetAndHead();
            routes.MapEmulator();
        }
        else
        {
            app.UseGradebookAuth();
            app.UseReadCache();
            routes.MapOpenApi();
            app.UseSwaggerUI(ui =>
            {
                ui.RoutePrefix = "docs";
                ui.DocumentTitle = "Gradebook API";
                ui.SwaggerEndpoint("/openapi/v1.json", "Gradebook v1");
            });
            routes.MapHealth();
            routes.MapMetrics();

            // Created once the export listens, so every feed's counters are there at zero from start-up on.
            app.Services.GetRequiredService<FeedMetrics>();
            app.Services.GetRequiredService<RetentionMetrics>();
            routes.MapIngestion();
            routes.MapStudents();
            routes.MapExams();
            routes.MapImports();
            routes.MapResults();
            routes.MapLive();
            routes.MapStudentData();
            app.MapDashboard();
            if (app.Services.GetRequiredService<FeedCatalog>().UsesEmulator)
            {
                LogEmbeddedEmulator(app.Logger);
                routes.MapEmulator();
            }
        }

        try
        {
            await app.StartAsync();
        }
        catch (IOException e)
        {
            // Kestrel reports an address it cannot bind (in use, not permitted) as an IOException that names the address.
            return await CannotStartAsync(e.Message);
        }
        catch (FormatException e)
        {
            return await CannotStartAsync($"the address to listen on is not a URL ({e.Message}); give one like --urls http://127.0.0.1:5080.");
        }

        started = true;
        await app.WaitForShutdownAsync();
        return 0;
    }

    private static async Task<int> CannotStartAsync(string problem)
    {
        // Written straight to stderr: the logger may not flush before the process exits.
        await Console.Error.WriteLineAsync($"Gradebook cannot start: {problem}");
        return 1;
    }

    private static WebApplication BuildValidated(WebApplicationBuilder builder)
    {
        try
        {
            // Building reads settings too: the host's shutdown timeout is taken from the feeds' drain timeouts.
            var app = builder.Build();
            app.Services.GetService<IStartupValidator>()?.Validate();
            app.Services.GetService<FeedCatalog>();
            return app;
        }
        catch (InvalidOperationException e) when (e.TargetSite?.DeclaringType == typeof(ConfigurationBinder))
        {
            // Thrown by the configuration binder itself: a value that cannot be converted to its setting's type.
            throw new SettingConversionException(e.Message, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Store ready: {Dialect}, schema version {Version}")]
    private static partial void LogStoreReady(ILogger logger, SqlDialect dialect, int version);

    [LoggerMessage(Level = LogLevel.Information, Message = "No Feed:Url is configured: serving the built-in emulator at /scores and ingesting from it")]
    private static partial void LogEmbeddedEmulator(ILogger logger);
}
