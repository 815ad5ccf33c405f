using System.Diagnostics.Metrics;
using Dapper;
using Gradebook.Retention;
using Gradebook.Storage;
using Gradebook.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gradebook.Tests.Storage;

/// <summary>Retention of the raw record, on every engine: a period archived, dropped, restored exactly; results untouched.</summary>
public abstract partial class StoreContract
{
    /// <summary>The rows of the raw record, every column that a restore must give back.</summary>
    private protected static readonly string[] RawRecordQueries =
    [
        "SELECT id, source, event_count, events, outcomes FROM raw_batches ORDER BY id",
        "SELECT id, batch_id, position, source, event_id, event_type, data, reason FROM rejected_events ORDER BY id",
        "SELECT id, document, media_type, outcome, reason, result_count, client FROM imports ORDER BY id",
    ];

    [StoreFact]
    public async Task Retention_archives_and_drops_what_the_policy_no_longer_keeps_and_restore_gives_it_back_exactly()
    {
        using var directory = new TempDirectory();
        var store = await NewStoreAsync();
        await SeedPeopleAsync(store);
        var raw = await RowsOfAsync(store, RawRecordQueries);
        var derived = await DerivedAsync(store);
        Assert.All(raw, table => Assert.NotEmpty(table));

        // Three days on, with a day kept: everything recorded today is past the policy.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(3));
        var dropped = await Retention(store, time).RunAsync(TimeSpan.FromDays(1), directory.Path, CancellationToken.None);

        Assert.NotEmpty(dropped);
        Assert.All(await RowsOfAsync(store, RawRecordQueries), table => Assert.Empty(table));
        Assert.Equal(derived[..^2], (await DerivedAsync(store))[..^2]);
        Assert.Equal(raw.Sum(t => t.Count), dropped.Sum(d => d.Counts.Batches + d.Counts.Rejections + d.Counts.Imports));
        var logged = await new RawRecordStore(store.Engine, store.Writer).DropsAsync(CancellationToken.None);
        Assert.Equal(dropped.Select(d => (d.Period, d.Archive)), logged.Select(d => (d.Period, d.Archive)));
        Assert.All(dropped, d => Assert.True(File.Exists(d.Archive)));

        // Restored in the reverse order, each period comes back with its ids, and rebuild derives the same results.
        foreach (var period in dropped.AsEnumerable().Reverse())
        {
            var read = await RawRecordArchive.ReadPeriodAsync(period.Archive!, CancellationToken.None);
            Assert.Equal(period.Period, read);
            var counts = await new RawRecordStore(store.Engine, store.Writer)
                .RestoreAsync(read, RawRecordArchive.ReadRowsAsync(period.Archive!, CancellationToken.None), CancellationToken.None);
            Assert.Equal(period.Counts, counts);
        }

        Assert.Equal(raw, await RowsOfAsync(store, RawRecordQueries));
        Assert.Empty(await new RawRecordStore(store.Engine, store.Writer).DropsAsync(CancellationToken.None));
        await store.RebuildAsync(CancellationToken.None);
        AssertClose(derived, await DerivedAsync(store));

        // A restore of a period already there changes nothing; the feed writes on.
        await new RawRecordStore(store.Engine, store.Writer)
            .RestoreAsync(dropped[0].Period, RawRecordArchive.ReadRowsAsync(dropped[0].Archive!, CancellationToken.None), CancellationToken.None);
        Assert.Equal(raw, await RowsOfAsync(store, RawRecordQueries));
        await Scores.WriteAsync(store, ("dan", 20, 0.5));
        Assert.NotNull(await store.GetStudentAsync("dan", CancellationToken.None));
    }

    [StoreFact]
    public async Task Retention_keeps_what_the_policy_keeps_and_drops_without_an_archive_when_there_is_no_directory()
    {
        var store = await NewStoreAsync();
        await Scores.WriteAsync(store, ("amy", 1, 0.5), ("ben", 1, 0.25));
        var raw = await RowsOfAsync(store, RawRecordQueries);

        var kept = await Retention(store, TimeProvider.System).RunAsync(TimeSpan.FromDays(1), null, CancellationToken.None);
        Assert.Empty(kept);
        Assert.Equal(raw, await RowsOfAsync(store, RawRecordQueries));

        var dropped = await Retention(store, new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(3)))
            .RunAsync(TimeSpan.FromDays(1), null, CancellationToken.None);
        Assert.Contains(dropped, d => d.Counts.Events == 2);
        Assert.All(dropped, d => Assert.Null(d.Archive));
        Assert.Empty((await RowsOfAsync(store, RawRecordQueries))[0]);
        var logged = Assert.Single(await new RawRecordStore(store.Engine, store.Writer).DropsAsync(CancellationToken.None), d => d.Counts.Contains("(2 events)", StringComparison.Ordinal));
        Assert.Null(logged.Archive);
        Assert.Equal(2, (await store.GetExamAsync(1, CancellationToken.None))!.StudentCount);
    }

    private protected static RawRecordRetention Retention(StoreHarness store, TimeProvider time) => new(
        new RawRecordStore(store.Engine, store.Writer),
        time,
        NullLogger<RawRecordRetention>.Instance,
        new RetentionMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>()));

    private protected static async Task<List<List<string>>> RowsOfAsync(StoreHarness store, IEnumerable<string> queries)
    {
        var tables = new List<List<string>>();
        await using var connection = await store.OpenAsync(CancellationToken.None);
        foreach (var query in queries)
        {
            var rows = await connection.QueryAsync(query);
            tables.Add([.. rows.Select(row => string.Join("|", ((IDictionary<string, object?>)row).Values.Select(v => v switch
            {
                byte[] bytes => Convert.ToBase64String(bytes),
                _ => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture),
            })))]);
        }

        return tables;
    }
}
