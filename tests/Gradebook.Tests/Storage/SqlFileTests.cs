using System.Reflection;
using Gradebook.Storage;

namespace Gradebook.Tests.Storage;

/// <summary>Each SQL file is reached through one member of <see cref="Sql"/>, and each member's file is there.</summary>
public sealed class SqlFileTests
{
    private static readonly List<(string Name, SqlFile File)> Members = [.. typeof(Sql)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(SqlFile))
        .Select(f => (f.Name, (SqlFile)f.GetValue(null)!))];

    [Fact]
    public void Every_member_names_an_embedded_file_for_at_least_one_engine()
    {
        Assert.NotEmpty(Members);
        foreach (var (name, file) in Members)
        {
            Assert.True(
                Enum.GetValues<SqlDialect>().Any(file.ExistsFor),
                $"Sql.{name} names '{file.Path}', which is embedded for no engine.");
        }
    }

    [Fact]
    public void Every_embedded_file_but_the_migrations_has_exactly_one_member()
    {
        var engineSuffixes = Enum.GetValues<SqlDialect>().Select(d => $".{Sql.Folder(d)}.sql").ToList();
        foreach (var embedded in Sql.Embedded().Where(p => !p.StartsWith("migrations/", StringComparison.Ordinal)))
        {
            var suffix = engineSuffixes.FirstOrDefault(s => embedded.EndsWith(s, StringComparison.Ordinal));
            var shared = suffix is null ? embedded : embedded[..^suffix.Length] + ".sql";
            var members = Members.Where(m => m.File.Path == shared).Select(m => m.Name).ToList();
            Assert.True(members.Count == 1, $"'{embedded}' is reached through {members.Count} members of Sql ({string.Join(", ", members)}), not one.");
        }
    }

    [Fact]
    public void Every_engine_has_every_migration_version_in_order()
    {
        foreach (var dialect in Enum.GetValues<SqlDialect>())
        {
            var versions = Sql.Migrations(dialect).Select(m => m.Version).ToList();
            Assert.Equal(Enumerable.Range(1, versions.Count), versions);
        }
    }

    [Fact]
    public void An_engine_specific_file_replaces_the_shared_one_only_for_its_engine()
    {
        Assert.Contains("CAST(@received_at AS timestamptz)", Sql.InsertImport.For(SqlDialect.Postgres), StringComparison.Ordinal);
        Assert.DoesNotContain("timestamptz", Sql.InsertImport.For(SqlDialect.Sqlite), StringComparison.Ordinal);
        Assert.False(Sql.StageResults.ExistsFor(SqlDialect.Postgres));
        Assert.Throws<InvalidOperationException>(() => Sql.StageResults.For(SqlDialect.Postgres));
    }
}
