using System.Net;
using Gradebook.Tests.Support;

namespace Gradebook.Tests.Auth;

/// <summary>
/// Where the sessions' key ring is kept: beside the SQLite database, in <c>DataProtection:KeysDirectory</c>, or on
/// PostgreSQL in the database, so every instance of a fleet reads the cookies any of them wrote.
/// </summary>
[Collection(PostgresServer.CollectionName)]
public sealed class SessionKeyRingTests(PostgresServer server) : IDisposable
{
    private static readonly string Key = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task The_key_ring_is_kept_beside_the_sqlite_database_or_in_the_directory_asked_for()
    {
        await using (var beside = Start(new() { ["ConnectionStrings:Gradebook"] = _directory.SqliteConnectionString("beside.db") }))
        {
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(_directory.Path, "gradebook-keys"), "key-*.xml"));
        }

        var chosen = Path.Combine(_directory.Path, "chosen", "keys");
        Directory.CreateDirectory(Path.Combine(_directory.Path, "other"));
        await using (var elsewhere = Start(new()
        {
            ["ConnectionStrings:Gradebook"] = _directory.SqliteConnectionString(Path.Combine("other", "gradebook.db")),
            ["DataProtection:KeysDirectory"] = chosen,
        }))
        {
            Assert.NotEmpty(Directory.GetFiles(chosen, "key-*.xml"));
            Assert.False(Directory.Exists(Path.Combine(_directory.Path, "other", "gradebook-keys")));
        }
    }

    [PostgresFact]
    public async Task On_postgres_a_session_started_on_one_instance_is_honoured_by_another()
    {
        var database = await server.CreateDatabaseAsync();
        var settings = new Dictionary<string, string?> { ["Storage:Provider"] = "Postgres", ["ConnectionStrings:Gradebook"] = database };
        await using var first = Start(settings);
        await using var second = Start(settings);

        using var browser = new SessionClient(Address(first));
        (await browser.SignInWithKeyAsync(Key)).Dispose();
        Assert.True(browser.HasSession);

        using var onSecond = new SessionClient(Address(second));
        foreach (Cookie cookie in browser.Cookies.GetAllCookies())
        {
            onSecond.Cookies.Add(onSecond.Address, new Cookie(cookie.Name, cookie.Value));
        }

        using var page = await onSecond.PageAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    private static GradebookFactory Start(Dictionary<string, string?> settings)
    {
        settings["Feed:Enabled"] = "false";
        settings["Auth:ApiKeys:teacher:Sha256"] = SecuredApp.Sha256(Key);
        settings["Auth:ApiKeys:teacher:Scopes"] = "scores:read";
        var factory = new GradebookFactory(settings);
        factory.UseKestrel(0);
        factory.StartServer();
        return factory;
    }

    private static Uri Address(GradebookFactory factory)
    {
        using var client = factory.CreateClient();
        return client.BaseAddress!;
    }
}
