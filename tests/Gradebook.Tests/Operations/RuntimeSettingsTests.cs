using System.Text.Json;

namespace Gradebook.Tests.Operations;

/// <summary>The runtime settings the service's memory budget depends on, as its build writes them for the runtime.</summary>
public sealed class RuntimeSettingsTests
{
    [Fact]
    public void The_service_runs_the_workstation_collector_with_large_objects_from_2_MiB()
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Gradebook.runtimeconfig.json")));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.False(properties.GetProperty("System.GC.Server").GetBoolean());
        Assert.Equal(2 * 1024 * 1024, properties.GetProperty("System.GC.LOHThreshold").GetInt32());
    }
}
