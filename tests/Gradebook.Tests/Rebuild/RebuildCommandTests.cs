using Gradebook.Tests.Storage;
using Gradebook.Tests.Support;

namespace Gradebook.Tests.Rebuild;

/// <summary>The rebuild command as an operator runs it: a process of its own over the configured database.</summary>
public sealed class RebuildCommandTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task The_rebuild_command_rebuilds_the_configured_database_and_reports()
    {
        await StoreContract.WriteHistoryAsync(await Scores.NewSqliteStoreAsync(_directory));

        using var process = GradebookProcess.Start(
            new Dictionary<string, string> { ["ConnectionStrings__Gradebook"] = _directory.SqliteConnectionString() }, "rebuild");

        Assert.Equal(0, await process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(
            "Rebuilt from 1011 raw events (1000 accepted, 6 rejected, 5 ignored; 0 outcomes changed) and 6 imports (3 accepted, 3 rejected; 0 outcomes changed): 510 results.",
            process.Output,
            StringComparison.Ordinal);
    }
}
