using Microsoft.AspNetCore.Hosting;

namespace Gradebook.Tests.Support;

/// <summary>
/// The real Gradebook host over a SQLite file of its own, listening on a loopback port with ingestion off: the API
/// alone, over what a test stores. Extra settings are added to (or replace) those. As an xunit class fixture it is
/// shared by a class's tests; as a member it is one test's own.
/// </summary>
public class ApiHost : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private readonly IReadOnlyDictionary<string, string?> _settings;

    public ApiHost()
        : this(new Dictionary<string, string?>())
    {
    }

    internal ApiHost(IReadOnlyDictionary<string, string?> settings) => _settings = settings;

    internal GradebookFactory Factory { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    internal StoreHarness Store => StoreHarness.Of(Factory.Services);

    internal TempDirectory Directory => _directory;

    public virtual Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Gradebook"] = _directory.SqliteConnectionString(),
            ["Feed:Enabled"] = "false",
        };
        foreach (var (key, value) in _settings)
        {
            settings[key] = value;
        }

        Factory = new GradebookFactory(settings);
        Factory.UseKestrel(0);
        Factory.StartServer();
        Client = Factory.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
        _directory.Dispose();
    }
}

/// <summary>An API host holding a few known results, for the tests that only read them.</summary>
public sealed class SeededApiHost : ApiHost
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Scores.WriteAsync(
            Store,
            ("Beth_Cronin", 10393, 0.6878397196487688),
            ("Beth_Cronin", 10394, 0.85),
            ("Beth_Cronin", 10393, 0.5),
            ("Julia.Effertz", 10393, 0.75),
            ("a/b c'd é", 10394, 0.25));
    }
}
