using Gradebook.Storage;
using Gradebook.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Gradebook.Tests.Storage;

/// <summary>The store contract on SQLite, one file per database, plus what only a file-based engine can get wrong.</summary>
public sealed class SqliteStoreTests : StoreContract
{
    private readonly TempDirectory _directory = new();

    protected override Task<string> NewDatabaseAsync() => Task.FromResult(_directory.SqliteConnectionString($"{Guid.NewGuid():N}.db"));

    private protected override StoreHarness Open(string connectionString) => new StoreHarness(new SqliteEngine(connectionString));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task Retention_deletes_an_old_day_a_chunk_at_a_time_while_the_feed_keeps_writing()
    {
        var store = await NewStoreAsync();
        var old = DateTimeOffset.UtcNow.AddDays(-3);
        // More rows of that day than one chunk deletes, a rejection among them, and a document of the same day.
        for (var batch = 0; batch < 3 * RawRecordStore.ChunkRows / 2; batch++)
        {
            var events = Enumerable.Range(0, 2 * RawBatch.MaxEvents)
                .Select(i => (i == 7 ? Scores.Raw("{bad") : Scores.Event($"s{i % 50}", batch, 0.5)) with { ReceivedAt = old })
                .ToList();
            await store.WriteFeedBatchAsync("old", events, CancellationToken.None);
        }

        await using (var connection = await store.OpenAsync(CancellationToken.None))
        {
            await Dapper.SqlMapper.ExecuteAsync(connection, "UPDATE imports SET received_at = @old", new { old = old.ToString("O", System.Globalization.CultureInfo.InvariantCulture) });
        }

        // The feed writes on, batch after batch, as long as retention deletes; a batch kept from SQLite's lock for longer
        // than the feed waits (SqliteEngine.FeedLockWaitSeconds) would throw.
        using var deleting = new CancellationTokenSource();
        var written = 0;
        var writer = Task.Run(async () =>
        {
            while (!deleting.IsCancellationRequested)
            {
                await Scores.WriteAsync(store, ("now", 1, 0.5));
                written++;
            }
        });

        var dropped = await Retention(store, TimeProvider.System).RunAsync(TimeSpan.FromDays(1), null, CancellationToken.None);
        await deleting.CancelAsync();
        await writer;

        var day = Assert.Single(dropped);
        Assert.Equal(new DateTimeOffset(old.UtcDateTime.Date, TimeSpan.Zero), day.Period.From);
        Assert.Equal((3L * RawRecordStore.ChunkRows, 3L * RawRecordStore.ChunkRows * RawBatch.MaxEvents, 3L * RawRecordStore.ChunkRows / 2), (day.Counts.Batches, day.Counts.Events, day.Counts.Rejections));
        var raw = await RowsOfAsync(store, RawRecordQueries);
        Assert.Equal(written, raw[0].Count);
        Assert.Empty(raw[1]);
        Assert.True(written > 0);
        Assert.Equal(50, (await store.ListStudentsAsync("", 1000, CancellationToken.None)).Count(s => s.StudentId.StartsWith('s')));
    }

    [Fact]
    public async Task The_write_ahead_log_stays_within_its_limit_while_a_reader_polls()
    {
        // SQLite restarts its log only when no reader is using it as a write begins; a reader that polls all the time
        // left the log growing. Past its limit, the write that finds it so checkpoints it whole and truncates it.
        const long limit = 1 << 20;
        var connectionString = await NewDatabaseAsync();
        await using var store = new StoreHarness(new SqliteEngine(connectionString, walLimitBytes: limit));
        await store.MigrateAsync(CancellationToken.None);
        var wal = new SqliteConnectionStringBuilder(connectionString).DataSource + "-wal";
        using var stop = new CancellationTokenSource();
        var polls = 0;
        var polling = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reader = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await store.ListStudentsAsync("", 50, CancellationToken.None);
                polls++;
                polling.TrySetResult();
            }
        });
        await polling.Task;

        var largest = 0L;
        for (var exam = 0; exam < 30; exam++)
        {
            await Scores.WriteAsync(store, Enumerable.Range(0, 2000).Select(i => ($"s{i:D4}", (long)exam, (i % 97) / 96.0)).ToArray());
            largest = Math.Max(largest, LengthOrZero(wal));
        }

        await stop.CancelAsync();
        await reader;
        Assert.True(polls > 30, $"the reader polled {polls} times");
        Assert.InRange(largest, 1, limit);
        Assert.Equal(30, (await store.GetStudentAsync("s0001", CancellationToken.None))!.ExamCount);
    }

    // SQLite deletes the log when its last connection closes, so there may be none at the moment it is looked at.
    // FileInfo reads the file's state once, so Exists and Length agree.
    private static long LengthOrZero(string path) => new FileInfo(path) is { Exists: true } file ? file.Length : 0;

    [Fact]
    public async Task An_unreachable_database_fails_with_a_clear_message()
    {
        var file = Path.Combine(_directory.Path, "not-a-database.db");
        await File.WriteAllTextAsync(file, "this is not a SQLite file, it is plain text that goes on for a while............");
        var store = new StoreHarness(new SqliteEngine($"Data Source={file}"));

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.MigrateAsync(CancellationToken.None));
        Assert.Contains("not-a-database.db", error.Message, StringComparison.Ordinal);
    }
}
