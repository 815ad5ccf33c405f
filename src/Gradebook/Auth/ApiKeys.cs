using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Gradebook.Auth;

/// <summary>API keys: random, given to a client once, and kept by Gradebook only as their SHA-256.</summary>
internal static partial class ApiKeys
{
    /// <summary>32 random bytes, base64url: 43 characters that need no escaping in a header or a shell.</summary>
    public static string Generate() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>The lowercase hex SHA-256 of the key's UTF-8 text, as configured in <c>Auth:ApiKeys:&lt;name&gt;:Sha256</c>.</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static bool IsHash(string value) => LowerHex().IsMatch(value);

    public static bool IsValidName(string name) => KeyName().IsMatch(name) && name != Clients.Anonymous;

    /// <summary>
    /// <c>dotnet run -- new-api-key [name]</c>: prints a new key with its hash and the settings that admit it.
    /// Nothing is stored: the key is shown once, to be handed to its client.
    /// </summary>
    public static int RunNewKeyCommand(string name)
    {
        if (!IsValidName(name))
        {
            Console.Error.WriteLine($"A key's name is 1 to 64 letters, digits, '.', '-' or '_' (and not '{Clients.Anonymous}'), got '{name}'.");
            return 2;
        }

        var key = Generate();
        var hash = Hash(key);
        // The key alone on stdout, so `KEY=$(gradebook new-api-key name)` takes it; the explanation goes to stderr.
        Console.Error.WriteLine($"API key for '{name}' follows on stdout (give it to the client; it is not stored and cannot be shown again).");
        Console.WriteLine(key);
        Console.Error.WriteLine($"""
            SHA-256: {hash}

            Settings to add, with the scopes the client needs ({string.Join(", ", Scopes.All)}), space-separated:
              appsettings.json:  "Auth": {"{"} "ApiKeys": {"{"} "{name}": {"{"} "Sha256": "{hash}", "Scopes": "{Scopes.ScoresRead}" {"}"} {"}"} {"}"}
              command line:      --Auth:ApiKeys:{name}:Sha256={hash} --Auth:ApiKeys:{name}:Scopes={Scopes.ScoresRead}

            The client sends it as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'.
            """);
        return 0;
    }

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex LowerHex();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex KeyName();
}
