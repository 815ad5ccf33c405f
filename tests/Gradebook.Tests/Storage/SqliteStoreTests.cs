using Gradebook.Storage;
using Gradebook.Tests.Support;

namespace Gradebook.Tests.Storage;

/// <summary>The store contract on SQLite, one file per database, plus what only a file-based engine can get wrong.</summary>
public sealed class SqliteStoreTests : StoreContract
{
    private readonly TempDirectory _directory = new();

    protected override Task<string> NewDatabaseAsync() => Task.FromResult(_directory.SqliteConnectionString($"{Guid.NewGuid():N}.db"));

    private protected override StoreHarness Open(string connectionString) => new StoreHarness(new SqliteEngine(connectionString));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task An_unreachable_database_fails_with_a_clear_message()
    {
        var file = Path.Combine(_directory.Path, "not-a-database.db");
        await File.WriteAllTextAsync(file, "this is not a SQLite file, it is plain text that goes on for a while............");
        var store = new StoreHarness(new SqliteEngine($"Data Source={file}"));

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.MigrateAsync(CancellationToken.None));
        Assert.Contains("not-a-database.db", error.Message, StringComparison.Ordinal);
    }
}
