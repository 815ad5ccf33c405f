using Gradebook.Emulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gradebook.Tests.Support;

/// <summary>The emulated feed on its own real HTTP server on a free loopback port.</summary>
internal sealed class EmulatorServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EmulatorServer(WebApplication app, EmulatorOptions options)
    {
        _app = app;
        Options = options;
        ScoresUrl = new Uri(new Uri(app.Urls.First()), "/scores");
    }

    public EmulatorOptions Options { get; }

    public Uri ScoresUrl { get; }

    public ScoreFeed Feed => _app.Services.GetRequiredService<ScoreFeed>();

    public static async Task<EmulatorServer> StartAsync(EmulatorOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Warning);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options));
        builder.Services.AddSingleton<ScoreFeed>();
        var app = builder.Build();
        app.MapEmulator();
        await app.StartAsync();
        return new EmulatorServer(app, options);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
