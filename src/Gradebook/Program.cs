using Gradebook.Api;
using Gradebook.Emulator;
using Gradebook.Exams;
using Gradebook.Feed;
using Gradebook.Imports;
using Gradebook.Storage;
using Gradebook.Students;
using Microsoft.Extensions.Options;

// `dotnet run -- emulator` serves only the emulated feed, for running it on its own.
var emulatorOnly = args.FirstOrDefault() == "emulator";
var builder = WebApplication.CreateBuilder(args);

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddProblemDetails();
builder.Services.AddHealthChecks();
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, GradebookJsonContext.Default));
builder.Services.AddEmulator(builder.Configuration);
if (!emulatorOnly)
{
    builder.Services.AddOpenApi();
    builder.Services.AddGradebookStore(builder.Configuration);
    builder.Services.AddFeedIngestion(builder.Configuration);
    builder.Services.AddImports(builder.Configuration);
}

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapHealthChecks("/healthz");

if (emulatorOnly)
{
    app.MapEmulator();
}
else
{
    app.MapOpenApi();
    app.MapStudents();
    app.MapExams();
    app.MapImports();
    app.MapResults();
    if (app.Services.GetRequiredService<IOptions<FeedOptions>>().Value.UsesEmulator)
    {
        app.Logger.LogInformation("No Feed:Url is configured: serving the built-in emulator at /scores and ingesting from it");
        app.MapEmulator();
    }
}

try
{
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (e is StoreUnavailableException or OptionsValidationException)
{
    // Written straight to stderr: the logger may not flush before the process exits.
    await Console.Error.WriteLineAsync($"Gradebook cannot start: {e.Message}");
    return 1;
}

/// <summary>The host's entry point, visible to the integration tests.</summary>
public partial class Program;
