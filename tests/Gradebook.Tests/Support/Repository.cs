namespace Gradebook.Tests.Support;

/// <summary>The repository the tests run from: its root is the directory above them that holds <c>Gradebook.slnx</c>.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string File(string name) => Path.Combine(Root, name);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(directory.FullName, "Gradebook.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("No directory above the tests holds Gradebook.slnx.");
    }
}
