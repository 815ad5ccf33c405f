using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Console;

namespace Gradebook;

/// <summary>
/// The host of a command that runs once and exits (<c>migrate</c>, <c>rebuild</c>, <c>import</c>): the service's
/// configuration (appsettings, environment, <c>--Key=value</c>), with its log on stderr so stdout holds only the
/// command's answer.
/// </summary>
internal static class CommandHost
{
    public static HostApplicationBuilder CreateBuilder(string[] settings)
    {
        var builder = Host.CreateApplicationBuilder(settings);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        return builder;
    }
}
