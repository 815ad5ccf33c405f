
namespace Gradebook.Tests.Auth;

/// <summary>Logs name the client; no key or token, right or wrong, reaches a log line.</summary>
public sealed class CredentialLoggingTests(SecuredApp app) : IClassFixture<SecuredApp>
{
    [Fact]
    public async Task No_key_or_token_appears_in_any_log_line()
    {
        var wrongKey = "wrong-key-that-must-not-be-logged-1234567890";
        var token = app.Token("alice", "scores:read");
        var expired = app.Token("alice", "scores:read", expires: DateTime.UtcNow.AddHours(-1));
        var forbidden = app.Token("alice", "operations:read");
        foreach (var credential in new[] { app.Keys["reader"], app.Keys["scanner-1"], wrongKey, token, expired, forbidden })
        {
            using var client = app.ClientWithBearer(credential);
            (await client.GetAsync(new Uri("/students", UriKind.Relative))).Dispose();
            (await EndpointAuthTests.PostMarkrAsync(client)).Dispose();
        }

        using (var byHeader = app.Client())
        {
            byHeader.DefaultRequestHeaders.Add("X-Api-Key", wrongKey);
            (await byHeader.GetAsync(new Uri("/exams", UriKind.Relative))).Dispose();
        }

        var records = app.Logs.GetSnapshot();
        var secrets = app.Keys.Values.Concat([wrongKey, token, expired, forbidden])
            .Concat(new[] { token, expired, forbidden }.Select(t => t.Split('.')[2]))
            .ToList();
        var lines = records.Select(r => $"{r.Message} {r.Exception} {string.Join(' ', r.StructuredState?.Select(s => s.Value) ?? [])}").ToList();
        Assert.True(lines.Count > 20, $"only {lines.Count} log records were collected");
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(lines, l => l.Contains(secret, StringComparison.Ordinal));
        }

        Assert.Contains(lines, l => l.Contains("from scanner-1 accepted", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Refused client alice", StringComparison.Ordinal));
    }
}
