using System.Xml.Linq;
using Dapper;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Gradebook.Storage;

/// <summary>
/// The key ring of sign-in cookies in the database, for a PostgreSQL fleet whose instances must all read the cookies
/// any of them wrote. Hand-written because the framework's database repository needs Entity Framework, which Gradebook
/// does not use; this is the same few lines over the connections the store already has. The interface is synchronous:
/// the key ring is read at start-up and then about once a day.
/// </summary>
internal sealed class DataProtectionKeyStore(StoreEngine engine) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements() =>
        [.. engine.QueryAsync<DataProtectionKeyRow>(Sql.DataProtectionKeys, null, CancellationToken.None).GetAwaiter().GetResult()
            .Select(row => XElement.Parse(row.Xml))];

    public void StoreElement(XElement element, string friendlyName) => StoreAsync(element, friendlyName).GetAwaiter().GetResult();

    private async Task StoreAsync(XElement element, string friendlyName)
    {
        await using var connection = await engine.OpenAsync(CancellationToken.None);
        await using var transaction = await engine.BeginWriteAsync(connection, CancellationToken.None);
        await engine.ExecuteAsync(
            connection, transaction, Sql.InsertDataProtectionKey, new { name = friendlyName, xml = element.ToString(SaveOptions.DisableFormatting) }, CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
    }
}
