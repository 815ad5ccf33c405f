using System.Data.Common;
using Dapper;
using Gradebook.Exams;
using Gradebook.Grading;
using Gradebook.Imports;
using Gradebook.Rebuild;
using Gradebook.Storage;
using Gradebook.Students;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gradebook.Tests.Support;

/// <summary>
/// One database engine with the store's jobs over it, as the host wires them, for tests and benchmarks that drive the store
/// directly. Reads come back as the API maps them, so a test states what a client would see.
/// </summary>
internal sealed class StoreHarness : IAsyncDisposable
{
    private readonly bool _ownsEngine;

    public StoreHarness(StoreEngine engine, bool ownsEngine = true, BatchWriter? writer = null)
    {
        // The same composition as the host's (StorageServices), for tests and benchmarks that open an engine themselves.
        RowMapping.Configure();
        Engine = engine;
        _ownsEngine = ownsEngine;
        Migrations = new(engine);
        Writer = writer ?? new(engine);
        Feed = new(engine);
        Reads = new(engine);
        Imports = new(engine, Writer);
    }

    public StoreEngine Engine { get; }

    public SqlDialect Dialect => Engine.Dialect;

    public Migrations Migrations { get; }

    public BatchWriter Writer { get; }

    public FeedStore Feed { get; }

    public ReadStore Reads { get; }

    public ImportStore Imports { get; }

    /// <summary>The store of a running host, which keeps its engine.</summary>
    public static StoreHarness Of(IServiceProvider services) =>
        new(services.GetRequiredService<StoreEngine>(), ownsEngine: false, services.GetRequiredService<BatchWriter>());

    public ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) => Engine.OpenAsync(cancellationToken);

    public Task<int> MigrateAsync(CancellationToken cancellationToken, int? through = null) => Migrations.MigrateAsync(cancellationToken, through);

    public Task<IReadOnlyList<int>> AppliedMigrationsAsync(CancellationToken cancellationToken) => Migrations.AppliedAsync(cancellationToken);

    public Task WriteFeedBatchAsync(string source, IReadOnlyList<FeedEvent> events, CancellationToken cancellationToken) =>
        Writer.WriteFeedBatchAsync(FeedLease.Unfenced(Engine, source), events, cancellationToken);

    public Task<FeedCursor?> GetFeedAsync(string source, CancellationToken cancellationToken) => Feed.GetCursorAsync(source, cancellationToken);

    public Task<List<StudentRow>> ListStudentsAsync(string after, int limit, CancellationToken cancellationToken) =>
        Reads.ListStudentsAsync(after, limit, cancellationToken);

    public async Task<StudentDetails?> GetStudentAsync(string studentId, CancellationToken cancellationToken) =>
        (await Reads.GetStudentAsync(studentId, cancellationToken)).AsDetails(studentId);

    public Task<List<ExamRow>> ListExamsAsync(long after, int limit, CancellationToken cancellationToken) =>
        Reads.ListExamsAsync(after, limit, cancellationToken);

    public async Task<ExamReport?> GetExamAsync(long exam, CancellationToken cancellationToken) =>
        (await Reads.GetExamAsync(exam, cancellationToken)).AsReport(exam);

    public Task<List<RejectionRow>> ListRejectionsAsync(long after, int limit, CancellationToken cancellationToken) =>
        Reads.ListRejectionsAsync(after, limit, cancellationToken);

    public Task<StoredImport> WriteImportAsync(
        DateTimeOffset receivedAt, string client, byte[] document, IReadOnlyList<ImportedSheet> results, CancellationToken cancellationToken) =>
        Imports.WriteAcceptedAsync(receivedAt, client, document, DocumentFormats.Markr.MediaType, [.. results.Select(r => r.AsResult())], ImportedSheet.Names(results), ImportedSheet.Sheets(results), cancellationToken);

    public Task<long> RecordRejectedImportAsync(
        DateTimeOffset receivedAt, string client, byte[] document, string reason, int? resultCount, CancellationToken cancellationToken) =>
        Imports.RecordRejectedAsync(receivedAt, client, document, DocumentFormats.Markr.MediaType, reason, resultCount, cancellationToken);

    /// <summary>A student's data on request over this store, as the host composes it.</summary>
    public StudentData StudentData => new(new StudentDataStore(Engine, Writer, new ChangeLogStore(Engine)), TimeProvider.System, NullLogger<StudentData>.Instance);

    public Task<RebuildReport> RebuildAsync(CancellationToken cancellationToken) =>
        new Rebuilder(new RebuildStore(Engine, Writer, Imports)).RunAsync(cancellationToken);

    /// <summary>How many events of the feed the raw record holds.</summary>
    public async Task<long> RawEventCountAsync(string source)
    {
        await using var connection = await Engine.OpenAsync(CancellationToken.None);
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM raw_events WHERE source = @source", new { source });
    }

    public async ValueTask DisposeAsync()
    {
        if (_ownsEngine && Engine is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }
}
