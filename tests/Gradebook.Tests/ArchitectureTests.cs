using System.Text.RegularExpressions;
using Gradebook.Storage;
using Gradebook.Tests.Support;
using NetArchTest.Rules;

namespace Gradebook.Tests;

/// <summary>
/// The folder table of <c>docs/architecture.md</c> is the rule: each folder uses exactly the folders its row lists, as
/// the compiled code has it (every type, signature and method body, read by NetArchTest), so neither the code nor the
/// doc can drift from the other.
/// </summary>
public sealed partial class ArchitectureTests
{
    private static readonly System.Reflection.Assembly Gradebook = typeof(StoreEngine).Assembly;

    /// <summary>The folders that hold code: each is a namespace of its own, <c>Gradebook.Folder</c>.</summary>
    private static readonly SortedSet<string> Folders = new(
        Gradebook.GetTypes()
            .Select(t => t.Namespace)
            .OfType<string>()
            .Where(n => n.StartsWith("Gradebook.", StringComparison.Ordinal))
            .Select(n => n.Split('.')[1])
            .Where(f => !f.StartsWith('<')),
        StringComparer.Ordinal);

    [Fact]
    public void The_doc_has_a_row_for_every_folder_and_no_other()
    {
        Assert.Equal(Folders, new SortedSet<string>(DocumentedUses().Keys, StringComparer.Ordinal));
    }

    [Fact]
    public void Each_folder_uses_exactly_the_folders_the_doc_allows()
    {
        var problems = new List<string>();
        foreach (var (folder, allowed) in DocumentedUses())
        {
            var used = Folders.Where(other => other != folder && Uses(folder, other)).ToHashSet(StringComparer.Ordinal);
            foreach (var other in used.Except(allowed))
            {
                var offenders = Types.InAssembly(Gradebook).That().ResideInNamespaceMatching($"^Gradebook\\.{folder}$")
                    .And().HaveDependencyOnAny($"Gradebook.{other}").GetTypes().Select(t => t.Name);
                problems.Add($"{folder}/ uses {other}/, which docs/architecture.md does not allow ({string.Join(", ", offenders)})");
            }

            foreach (var other in allowed.Except(used))
            {
                problems.Add($"docs/architecture.md says {folder}/ uses {other}/, but it does not");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void What_the_root_namespace_holds_uses_no_folder()
    {
        var result = Types.InAssembly(Gradebook).That().ResideInNamespaceMatching("^Gradebook$")
            .ShouldNot().HaveDependencyOnAny([.. Folders.Select(f => $"Gradebook.{f}")])
            .GetResult();
        Assert.True(result.IsSuccessful, string.Join(", ", result.FailingTypes?.Select(t => t.FullName) ?? []));
    }

    private static bool Uses(string folder, string other) =>
        Types.InAssembly(Gradebook).That().ResideInNamespaceMatching($"^Gradebook\\.{folder}$")
            .And().HaveDependencyOnAny($"Gradebook.{other}")
            .GetTypes().Any();

    /// <summary>
    /// The doc's folder table: a row names one or more folders (<c>`Students/`, `Exams/`</c>) and ends with what they
    /// use (<c>Storage, Grading, Api</c>, or <c>nothing</c>). Rows of files at the root are left to the test above.
    /// </summary>
    private static Dictionary<string, HashSet<string>> DocumentedUses()
    {
        var doc = File.ReadAllLines(Path.Combine(Repository.Root, "docs", "architecture.md"));
        var uses = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var line in doc.Where(l => l.StartsWith("| `", StringComparison.Ordinal)))
        {
            var cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            var folders = FolderName().Matches(cells[0]).Select(m => m.Groups[1].Value).ToList();
            if (folders.Count == 0)
            {
                continue;
            }

            var allowed = cells[^1] == "nothing"
                ? []
                : cells[^1].Split(',').Select(u => u.Trim()).ToHashSet(StringComparer.Ordinal);
            foreach (var folder in folders)
            {
                uses.Add(folder, allowed);
            }
        }

        return uses;
    }

    [GeneratedRegex(@"`(\w+)/`")]
    private static partial Regex FolderName();
}
