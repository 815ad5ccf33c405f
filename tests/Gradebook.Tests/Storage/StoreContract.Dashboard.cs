using Gradebook.Tests.Support;

namespace Gradebook.Tests.Storage;

/// <summary>The dashboard's own reads: the overview's totals and a student against each exam's average.</summary>
public abstract partial class StoreContract
{
    [StoreFact]
    public async Task Totals_count_students_and_exams_with_a_result_and_every_result()
    {
        var store = await NewStoreAsync();
        Assert.Equal((0L, 0L, 0L), Totals(await store.Reads.GetTotalsAsync(CancellationToken.None)));

        await Scores.WriteAsync(store, ("amy", 1, 0.4), ("amy", 2, 0.9), ("bo", 1, 0.6), ("amy", 1, 0.5));

        Assert.Equal((2L, 2L, 3L), Totals(await store.Reads.GetTotalsAsync(CancellationToken.None)));
    }

    [StoreFact]
    public async Task A_students_results_come_beside_each_exams_average()
    {
        var store = await NewStoreAsync();
        await Scores.WriteAsync(store, ("amy", 1, 0.4), ("amy", 2, 0.9), ("bo", 1, 0.6), ("cy", 3, 0.1));

        var rows = await store.Reads.GetStudentAgainstExamsAsync("amy", CancellationToken.None);

        Assert.Equal([(1L, 0.4, 0.5), (2L, 0.9, 0.9)], rows.Select(r => (r.Exam, Math.Round(r.Score, 12), Math.Round(r.ExamAverage, 12))));
        Assert.All(rows, r => Assert.Equal((2L, 0.65), (r.ExamCount, Math.Round(r.Average, 12))));
        Assert.Empty(await store.Reads.GetStudentAgainstExamsAsync("nobody", CancellationToken.None));
    }

    private static (long Students, long Exams, long Results) Totals(Gradebook.Storage.TotalsRow row) => (row.Students, row.Exams, row.Results);
}
