using System.Globalization;
using Dapper;

namespace Gradebook.Storage;

/// <summary>
/// How Dapper maps the engines' rows to the records in <c>StoreRows.cs</c>: by column name, with underscores
/// (<c>student_id</c> is <c>StudentId</c>), and timestamps as each engine returns them. Dapper's settings are global to
/// the process, so storage's composition (<see cref="StorageServices"/>) sets them once, before any store is used.
/// </summary>
internal static class RowMapping
{
    private static int _configured;

    public static void Configure()
    {
        if (Interlocked.Exchange(ref _configured, 1) == 1)
        {
            return;
        }

        DefaultTypeMap.MatchNamesWithUnderscores = true;
        SqlMapper.AddTypeHandler(new TimestampHandler());
    }

    /// <summary>Timestamps as the engines return them: ISO 8601 text from SQLite, UTC date-times from PostgreSQL.</summary>
    private sealed class TimestampHandler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override DateTimeOffset Parse(object value) => value switch
        {
            DateTimeOffset at => at,
            DateTime at => new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)),
            string text => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
            _ => throw new InvalidCastException($"A timestamp cannot be read from {value.GetType().Name}."),
        };

        public override void SetValue(System.Data.IDbDataParameter parameter, DateTimeOffset value) =>
            parameter.Value = value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
    }
}
