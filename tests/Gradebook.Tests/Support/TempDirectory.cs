using Microsoft.Data.Sqlite;

namespace Gradebook.Tests.Support;

/// <summary>A directory of its own for one test's files, removed afterwards.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "gradebook-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string SqliteConnectionString(string name = "gradebook.db") => $"Data Source={System.IO.Path.Combine(Path, name)}";

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a pooled connection is left for the OS to clean up.
        }
    }
}
