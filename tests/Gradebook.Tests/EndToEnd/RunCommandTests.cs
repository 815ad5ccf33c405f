using System.Net;
using Gradebook.Tests.Support;

namespace Gradebook.Tests.EndToEnd;

/// <summary>The README's run command, <c>dotnet run</c>, honours the addresses a user gives it, as the binary does.</summary>
public sealed class RunCommandTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Aspnetcore_urls_is_the_address_under_dotnet_run_in_the_production_environment()
    {
        var address = $"http://127.0.0.1:{Ports.Free()}";
        using var process = GradebookProcess.StartWithDotnetRun(new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = address,
            ["ConnectionStrings__Gradebook"] = _directory.SqliteConnectionString(),
            ["Feed__Enabled"] = "false",
        });

        // The host writes "Application started", then the environment, then the content root: wait for the last of them.
        await Eventually.Until(() => Task.FromResult(process.Output), output => output.Contains("Content root path", StringComparison.Ordinal) || process.HasExited);
        Assert.Contains($"Now listening on: {address}", process.Output, StringComparison.Ordinal);
        Assert.Contains("Hosting environment: Production", process.Output, StringComparison.Ordinal);
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri($"{address}/healthz"))).StatusCode);
    }

    [Fact]
    public async Task Aspnetcore_http_ports_under_dotnet_run_is_every_interface_so_it_is_refused_without_authentication()
    {
        var port = Ports.Free();
        using var process = GradebookProcess.StartWithDotnetRun(new Dictionary<string, string>
        {
            ["ASPNETCORE_HTTP_PORTS"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ConnectionStrings__Gradebook"] = _directory.SqliteConnectionString(),
            ["Feed__Enabled"] = "false",
        });

        Assert.Equal(1, await process.WaitForExitAsync(TimeSpan.FromSeconds(120)));
        Assert.Contains($"Gradebook would listen on http://*:{port}, which is not loopback", process.Output, StringComparison.Ordinal);
    }
}
