using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Gradebook.Tests.Support;

/// <summary>The real Gradebook host, configured by settings, for tests that talk HTTP to it.</summary>
internal sealed class GradebookFactory(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services = null)
    : WebApplicationFactory<Program>
{
    /// <summary>A host over a SQLite file with ingestion off: the API alone, over what a test stores.</summary>
    public static GradebookFactory ApiOnly(string connectionString) => new(new Dictionary<string, string?>
    {
        ["ConnectionStrings:Gradebook"] = connectionString,
        ["Feed:Enabled"] = "false",
    });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        if (services is not null)
        {
            builder.ConfigureTestServices(services);
        }
    }
}
