using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Gradebook.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gradebook.Tests.Auth;

/// <summary>
/// Gradebook with API keys and JWTs configured, over real HTTP on loopback, its logs collected. The keys, one per
/// scope and one with every scope, are made afresh for each run.
/// </summary>
public sealed class SecuredApp : IAsyncLifetime
{
    public const string Issuer = "https://id.example.test";
    public const string Audience = "gradebook";

    private readonly TempDirectory _directory = new();
    private WebApplicationFactory<Program> _factory = null!;

    /// <summary>Key names and their scopes; each key holds exactly these.</summary>
    public static readonly IReadOnlyDictionary<string, string> KeyScopes = new Dictionary<string, string>
    {
        ["reader"] = "scores:read",
        ["scanner-1"] = "scores:import",
        ["operator"] = "operations:read",
        ["admin"] = "scores:read scores:import operations:read",
        ["registrar"] = "students:admin",
    };

    public IReadOnlyDictionary<string, string> Keys { get; } = KeyScopes.ToDictionary(k => k.Key, _ => NewKey());

    public byte[] SigningKey { get; } = RandomNumberGenerator.GetBytes(32);

    public FakeLogCollector Logs => _factory.Services.GetFakeLogCollector();

    public string ConnectionString => _directory.SqliteConnectionString();

    public IServiceProvider Services => _factory.Services;

    public Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Gradebook"] = ConnectionString,
            ["Feed:Enabled"] = "false",
            ["Auth:Jwt:Issuer"] = Issuer,
            ["Auth:Jwt:Audience"] = Audience,
            ["Auth:Jwt:SigningKey"] = Convert.ToBase64String(SigningKey),
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
        };
        foreach (var (name, scopes) in KeyScopes)
        {
            settings[$"Auth:ApiKeys:{name}:Sha256"] = Sha256(Keys[name]);
            settings[$"Auth:ApiKeys:{name}:Scopes"] = scopes;
        }

        _factory = new LoggedFactory(settings);
        _factory.UseKestrel(0);
        _factory.StartServer();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        _directory.Dispose();
    }

    public HttpClient Client() => _factory.CreateClient();

    /// <summary>A client that sends the named key as <c>Authorization: Bearer</c>.</summary>
    public HttpClient ClientWithKey(string name) => ClientWithBearer(Keys[name]);

    public HttpClient ClientWithBearer(string credential)
    {
        var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        return client;
    }

    /// <summary>A token for <paramref name="subject"/>, signed with this host's key unless another is given.</summary>
    public string Token(
        string subject,
        string? scope,
        string audience = Audience,
        DateTime? expires = null,
        byte[]? signingKey = null,
        IReadOnlyDictionary<string, object>? claims = null)
    {
        var expiry = expires ?? DateTime.UtcNow.AddMinutes(10);
        var all = new Dictionary<string, object>(claims ?? new Dictionary<string, object>());
        if (scope is not null)
        {
            all["scope"] = scope;
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", subject)]),
            Claims = all,
            NotBefore = expiry.AddHours(-1),
            IssuedAt = expiry.AddHours(-1),
            Expires = expiry,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(signingKey ?? SigningKey), SecurityAlgorithms.HmacSha256),
        });
    }

    public static string Sha256(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>
    /// Creates a real Gradebook host like <see cref="GradebookFactory"/>, with its logs collected.
    /// </summary>
    private sealed class LoggedFactory(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureServices(s => s.AddFakeLogging());
        }
    }

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
