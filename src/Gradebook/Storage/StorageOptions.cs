namespace Gradebook.Storage;

internal enum StorageProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Settings of the store (section <c>Storage</c>); the connection string is <c>ConnectionStrings:Gradebook</c>.</summary>
internal sealed class StorageOptions
{
    public const string Section = "Storage";

    public const string DefaultSqliteConnectionString = "Data Source=gradebook.db";

    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;
}
