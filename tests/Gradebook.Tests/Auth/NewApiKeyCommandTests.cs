using System.Text.RegularExpressions;
using Gradebook.Tests.Support;

namespace Gradebook.Tests.Auth;

/// <summary><c>new-api-key</c> prints a fresh random key, its SHA-256, and settings that admit it.</summary>
public sealed class NewApiKeyCommandTests
{
    [Fact]
    public async Task Prints_a_new_key_with_its_hash_and_the_settings_to_add()
    {
        using var first = GradebookProcess.Start(new Dictionary<string, string>(), "new-api-key", "scanner-1");
        using var second = GradebookProcess.Start(new Dictionary<string, string>(), "new-api-key", "scanner-1");
        Assert.Equal(0, await first.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(0, await second.WaitForExitAsync(TimeSpan.FromSeconds(60)));

        var key = Regex.Match(first.StandardOutput, @"^([A-Za-z0-9_-]{43})$", RegexOptions.Multiline).Groups[1].Value;
        Assert.NotEmpty(key);
        Assert.DoesNotContain(key, second.Output, StringComparison.Ordinal);
        var hash = SecuredApp.Sha256(key);
        Assert.Contains($"--Auth:ApiKeys:scanner-1:Sha256={hash}", first.Output, StringComparison.Ordinal);
        Assert.Contains($"\"scanner-1\": {{ \"Sha256\": \"{hash}\"", first.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prints_the_key_alone_on_stdout_so_a_script_can_take_it()
    {
        using var process = GradebookProcess.Start(new Dictionary<string, string>(), "new-api-key", "scanner-1");
        Assert.Equal(0, await process.WaitForExitAsync(TimeSpan.FromSeconds(60)));

        var key = Assert.Single(process.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches("^[A-Za-z0-9_-]{43}$", key);
        Assert.Contains($"--Auth:ApiKeys:scanner-1:Sha256={SecuredApp.Sha256(key)}", process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refuses_a_name_that_cannot_be_a_setting_key()
    {
        using var process = GradebookProcess.Start(new Dictionary<string, string>(), "new-api-key", "scanner:1");

        Assert.Equal(2, await process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("A key's name is 1 to 64 letters", process.Output, StringComparison.Ordinal);
    }
}
