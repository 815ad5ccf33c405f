using System.Runtime.CompilerServices;
using Dapper;

namespace Gradebook.Storage;

/// <summary>The reads behind the API: one query file each, on a connection of its own.</summary>
internal sealed class ReadStore(StoreEngine engine)
{
    /// <summary>
    /// The version of the data committed so far; every write transaction moves it forward. Reads take theirs from
    /// <see cref="DataVersionSource"/>, which asks here only when no notification can tell it.
    /// </summary>
    public async Task<long> GetDataVersionAsync(CancellationToken cancellationToken) =>
        (await engine.QueryAsync<long>(Sql.GetDataVersion, null, cancellationToken)).Single();

    /// <summary>The version of the student's results, which moves only when they change; null when there are none.</summary>
    public async Task<long?> GetStudentVersionAsync(string studentId, CancellationToken cancellationToken) =>
        (await engine.QueryAsync<long?>(Sql.StudentVersion, new { student_id = studentId }, cancellationToken)).SingleOrDefault();

    /// <summary>The version of the exam's results, which moves only when they change; null when there are none.</summary>
    public async Task<long?> GetExamVersionAsync(long exam, CancellationToken cancellationToken) =>
        (await engine.QueryAsync<long?>(Sql.ExamVersion, new { exam }, cancellationToken)).SingleOrDefault();

    /// <summary>Up to <paramref name="limit"/> students after <paramref name="after"/> in id order ("" for the first page).</summary>
    public Task<List<StudentRow>> ListStudentsAsync(string after, int limit, CancellationToken cancellationToken) =>
        engine.QueryAsync<StudentRow>(Sql.ListStudents, new { after, limit }, cancellationToken);

    /// <summary>The student's results in exam order, each beside the student's aggregate; empty when there are none.</summary>
    public Task<List<StudentResultRow>> GetStudentAsync(string studentId, CancellationToken cancellationToken) =>
        engine.QueryAsync<StudentResultRow>(Sql.GetStudent, new { student_id = studentId }, cancellationToken);

    /// <summary>Up to <paramref name="limit"/> exams after <paramref name="after"/> in number order (-1 for the first page).</summary>
    public Task<List<ExamRow>> ListExamsAsync(long after, int limit, CancellationToken cancellationToken) =>
        engine.QueryAsync<ExamRow>(Sql.ListExams, new { after, limit }, cancellationToken);

    /// <summary>The exam's results in student id order, each beside the exam's aggregate; empty when there are none.</summary>
    public Task<List<ExamResultRow>> GetExamAsync(long exam, CancellationToken cancellationToken) =>
        engine.QueryAsync<ExamResultRow>(Sql.GetExam, new { exam }, cancellationToken);

    /// <summary>The sums of the exam's item analysis, over its kept sheets' answers; only the exam's row when it has none.</summary>
    public Task<List<ItemSumRow>> GetExamItemSumsAsync(long exam, CancellationToken cancellationToken) =>
        engine.QueryAsync<ItemSumRow>(Sql.ExamItemSums, new { exam }, cancellationToken);

    /// <summary>The student's kept sheet in the exam beside the exam's questions, keyed choices and totals (<c>student_sheet.sql</c>).</summary>
    public Task<List<SheetRow>> GetStudentSheetAsync(long exam, string studentId, CancellationToken cancellationToken) =>
        engine.QueryAsync<SheetRow>(Sql.StudentSheet, new { exam, student_id = studentId }, cancellationToken);

    /// <summary>The <paramref name="limit"/> highest numbered exams with a result, newest first.</summary>
    public Task<List<ExamRow>> RecentExamsAsync(int limit, CancellationToken cancellationToken) =>
        engine.QueryAsync<ExamRow>(Sql.RecentExams, new { limit }, cancellationToken);

    /// <summary>Up to <paramref name="limit"/> students from <paramref name="from"/> on, in id order.</summary>
    public Task<List<StudentRow>> StudentsFromAsync(string from, int limit, CancellationToken cancellationToken) =>
        engine.QueryAsync<StudentRow>(Sql.StudentsFrom, new { from, limit }, cancellationToken);

    /// <summary>The student's results in exam order, each beside its exam's average; empty when there are none.</summary>
    public Task<List<StudentExamRow>> GetStudentAgainstExamsAsync(string studentId, CancellationToken cancellationToken) =>
        engine.QueryAsync<StudentExamRow>(Sql.StudentAgainstExams, new { student_id = studentId }, cancellationToken);

    /// <summary>How many students, exams and results there are.</summary>
    public async Task<TotalsRow> GetTotalsAsync(CancellationToken cancellationToken) =>
        (await engine.QueryAsync<TotalsRow>(Sql.Totals, null, cancellationToken)).Single();

    /// <summary>The <paramref name="limit"/> newest rejected events, newest first.</summary>
    public Task<List<RejectionRow>> RecentRejectionsAsync(int limit, CancellationToken cancellationToken) =>
        engine.QueryAsync<RejectionRow>(Sql.RecentRejections, new { limit }, cancellationToken);

    /// <summary>Every student with a result, in id order, read one row at a time (for CSV: never all in memory).</summary>
    public IAsyncEnumerable<StudentRow> StreamStudentsAsync(CancellationToken cancellationToken) =>
        StreamAsync<StudentRow>(Sql.ListStudents, new { after = "", limit = long.MaxValue }, cancellationToken);

    /// <summary>The student's results in exam order, read one row at a time.</summary>
    public IAsyncEnumerable<StudentResultRow> StreamStudentAsync(string studentId, CancellationToken cancellationToken) =>
        StreamAsync<StudentResultRow>(Sql.GetStudent, new { student_id = studentId }, cancellationToken);

    /// <summary>Every exam with a result, in number order, read one row at a time.</summary>
    public IAsyncEnumerable<ExamRow> StreamExamsAsync(CancellationToken cancellationToken) =>
        StreamAsync<ExamRow>(Sql.ListExams, new { after = -1L, limit = long.MaxValue }, cancellationToken);

    /// <summary>The exam's results in student id order, read one row at a time.</summary>
    public IAsyncEnumerable<ExamResultRow> StreamExamAsync(long exam, CancellationToken cancellationToken) =>
        StreamAsync<ExamResultRow>(Sql.GetExam, new { exam }, cancellationToken);

    /// <summary>Up to <paramref name="limit"/> rejected events after raw record id <paramref name="after"/>, oldest first.</summary>
    public Task<List<RejectionRow>> ListRejectionsAsync(long after, int limit, CancellationToken cancellationToken) =>
        engine.QueryAsync<RejectionRow>(Sql.ListRejections, new { after, limit }, cancellationToken);

    private async IAsyncEnumerable<T> StreamAsync<T>(SqlFile file, object parameters, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await engine.OpenAsync(cancellationToken);
        await foreach (var row in connection.QueryUnbufferedAsync<T>(engine.Text(file), parameters).WithCancellation(cancellationToken))
        {
            yield return row;
        }
    }
}
