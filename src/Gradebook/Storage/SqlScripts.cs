using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Gradebook.Storage;

internal enum SqlDialect
{
    Sqlite,
    Postgres,
}

/// <summary>
/// The SQL files under Storage/, embedded in the assembly. A file in a dialect's subfolder
/// (<c>queries/postgres/x.sql</c>) replaces the shared one (<c>queries/x.sql</c>) for that dialect only.
/// </summary>
internal static partial class SqlScripts
{
    private static readonly ConcurrentDictionary<string, string> Cache = new();

    public static string Get(string path, SqlDialect dialect)
    {
        var folder = Path.GetDirectoryName(path)!.Replace('\\', '/');
        var dialectPath = $"{folder}/{DialectFolder(dialect)}/{Path.GetFileName(path)}";
        return TryRead(dialectPath) ?? TryRead(path) ?? throw new InvalidOperationException($"No SQL script '{path}' is embedded.");
    }

    /// <summary>The migrations for a dialect, in version order: shared files plus that dialect's own.</summary>
    public static IReadOnlyList<Migration> Migrations(SqlDialect dialect)
    {
        var dialectFolder = $"migrations/{DialectFolder(dialect)}/";
        return typeof(SqlScripts).Assembly.GetManifestResourceNames()
            .Select(name => name.Replace('\\', '/'))
            .Where(name => name.StartsWith(dialectFolder, StringComparison.Ordinal)
                || (name.StartsWith("migrations/", StringComparison.Ordinal) && name.Count(c => c == '/') == 1))
            .Select(name => (Name: Path.GetFileNameWithoutExtension(name), Path: name))
            .GroupBy(m => m.Name, StringComparer.Ordinal)
            .Select(g => g.OrderByDescending(m => m.Path.StartsWith(dialectFolder, StringComparison.Ordinal)).First())
            .Select(m => new Migration(Version(m.Name), m.Name, TryRead(m.Path)!))
            .OrderBy(m => m.Version)
            .ToList();
    }

    private static int Version(string name)
    {
        var match = VersionPrefix().Match(name);
        return match.Success
            ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"Migration '{name}' must start with its version number, as in 0001_initial.sql.");
    }

    private static string DialectFolder(SqlDialect dialect) => dialect switch
    {
        SqlDialect.Sqlite => "sqlite",
        SqlDialect.Postgres => "postgres",
        _ => throw new ArgumentOutOfRangeException(nameof(dialect)),
    };

    private static string? TryRead(string path) => Cache.GetOrAdd(path, static p =>
    {
        var assembly = typeof(SqlScripts).Assembly;
        var name = assembly.GetManifestResourceNames().FirstOrDefault(n => n.Replace('\\', '/') == p);
        if (name is null)
        {
            return "";
        }

        using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
        return reader.ReadToEnd();
    }) is { Length: > 0 } sql ? sql : null;

    [GeneratedRegex(@"^(\d+)_")]
    private static partial Regex VersionPrefix();
}

/// <summary>One versioned schema change.</summary>
internal sealed record Migration(int Version, string Name, string Sql);
