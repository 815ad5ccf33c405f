using System.Xml.Linq;
using Gradebook.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Gradebook.Auth;

/// <summary>
/// Where the keys that sign and encrypt session cookies and antiforgery tokens are kept, so a session outlives a
/// restart: <c>DataProtection:KeysDirectory</c> when set; else a directory beside the SQLite database, or on
/// PostgreSQL a table of the database, which every instance of a fleet shares.
/// </summary>
internal static class SessionKeys
{
    public const string DirectorySetting = "DataProtection:KeysDirectory";

    /// <summary>The key ring's directory beside a SQLite database file.</summary>
    public const string DirectoryName = "gradebook-keys";

    public static IServiceCollection AddSessionKeyRing(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddDataProtection().SetApplicationName("Gradebook");
        services.AddOptions<KeyManagementOptions>().Configure<StoreEngine, ILoggerFactory>((o, engine, logs) => o.XmlRepository = Repository(configuration, engine, logs));

        // The keys are kept as the database is, readable by the service's user only; no certificate is there to encrypt
        // them with, and the warning that says so at every new key would be the only warning of a default start.
        services.AddLogging(logging => logging.AddFilter(typeof(XmlKeyManager).FullName, LogLevel.Error));
        return services;
    }

    private static IXmlRepository Repository(IConfiguration configuration, StoreEngine engine, ILoggerFactory logs) =>
        configuration[DirectorySetting] is { Length: > 0 } directory ? InDirectory(directory, logs)
        : engine is not SqliteEngine sqlite ? new DataProtectionKeyStore(engine)
        : sqlite.FilePath is { } file ? InDirectory(Path.Combine(Path.GetDirectoryName(file)!, DirectoryName), logs)
        : new InMemory();

    private static FileSystemXmlRepository InDirectory(string path, ILoggerFactory logs)
    {
        var directory = OperatingSystem.IsWindows()
            ? Directory.CreateDirectory(path)
            : Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new FileSystemXmlRepository(directory, logs);
    }

    /// <summary>An in-memory database's key ring, gone with the process as its data is (the framework's own is internal).</summary>
    private sealed class InMemory : IXmlRepository
    {
        private readonly List<XElement> _elements = [];

        public IReadOnlyCollection<XElement> GetAllElements()
        {
            lock (_elements)
            {
                return [.. _elements];
            }
        }

        public void StoreElement(XElement element, string friendlyName)
        {
            lock (_elements)
            {
                _elements.Add(element);
            }
        }
    }
}
