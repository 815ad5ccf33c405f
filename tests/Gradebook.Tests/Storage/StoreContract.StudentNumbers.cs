using Dapper;
using Gradebook.Exams;
using Gradebook.Students;
using Gradebook.Tests.Support;

namespace Gradebook.Tests.Storage;

/// <summary>Results keyed by a student's number, on every engine: a store of results keyed by name is migrated whole.</summary>
public abstract partial class StoreContract
{
    [StoreFact]
    public async Task Results_keyed_by_name_are_migrated_to_student_numbers_and_go_on_by_the_highest_marks_rule()
    {
        var connectionString = await NewDatabaseAsync();
        var store = Open(connectionString);
        _stores.Add(store);
        await store.MigrateAsync(CancellationToken.None, through: 8);
        await using (var connection = await store.OpenAsync(CancellationToken.None))
        {
            await using var transaction = await connection.BeginTransactionAsync();
            await connection.ExecuteAsync(
                """
                INSERT INTO results (exam, student_id, obtained, available) VALUES (1, 'amy', 0.5, 1), (1, 'bob', 3, 4), (2, 'amy', 0.25, 1);
                INSERT INTO students (student_id, exam_count, score_sum) VALUES ('amy', 2, 0.75), ('bob', 1, 0.75);
                INSERT INTO exams (exam, student_count, score_sum) VALUES (1, 2, 1.25), (2, 1, 0.25);
                """,
                transaction: transaction);
            await transaction.CommitAsync();
        }

        await store.MigrateAsync(CancellationToken.None);

        Assert.Equal([new StudentResult(1, 0.5), new StudentResult(2, 0.25)], (await store.GetStudentAsync("amy", CancellationToken.None))!.Results);
        Assert.Equal([new ExamResult("amy", 0.5), new ExamResult("bob", 0.75)], (await store.GetExamAsync(1, CancellationToken.None))!.Results);

        // A migrated result rises, one stays, and a new student is numbered after the migrated ones.
        await Scores.WriteAsync(store, [("amy", 1L, 0.9), ("bob", 1L, 0.5), ("cy", 2L, 1.0)]);

        var amy = await store.GetStudentAsync("amy", CancellationToken.None);
        Assert.Equal([new StudentResult(1, 0.9), new StudentResult(2, 0.25)], amy!.Results);
        Assert.Equal(0.575, amy.Average, 9);
        Assert.Equal([new ExamResult("amy", 0.9), new ExamResult("bob", 0.75)], (await store.GetExamAsync(1, CancellationToken.None))!.Results);
        Assert.Equal([new ExamResult("amy", 0.25), new ExamResult("cy", 1.0)], (await store.GetExamAsync(2, CancellationToken.None))!.Results);
        Assert.Equal(
            ["amy|2", "bob|1", "cy|1"],
            await RowsAsync(store, "SELECT student_id, COUNT(*) FROM results AS r JOIN students AS s ON s.student_no = r.student_no GROUP BY student_id ORDER BY student_id"));
        Assert.Equal(3, (await RowsAsync(store, "SELECT DISTINCT student_no FROM students")).Count);
    }
}
