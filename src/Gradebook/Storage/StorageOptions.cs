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

    /// <summary>How far a read replica (<c>ConnectionStrings:GradebookRead</c>) may lag before <c>/readyz</c> says not ready.</summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan MaxReplicaLag { get; set; } = TimeSpan.FromSeconds(30);
}
