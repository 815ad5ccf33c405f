using Gradebook.Tests.Support;

namespace Gradebook.Tests.Storage;

/// <summary>The versions of one student and one exam, on every engine: they move with that student's or exam's results only.</summary>
public abstract partial class StoreContract
{
    [StoreFact]
    public async Task A_write_moves_the_versions_of_the_students_and_exams_it_changes_and_no_others()
    {
        var store = await NewStoreAsync();
        await Scores.WriteAsync(store, ("ann", 1, 0.5), ("bob", 2, 0.5));
        var ann = await store.Reads.GetStudentVersionAsync("ann", CancellationToken.None);
        var bob = await store.Reads.GetStudentVersionAsync("bob", CancellationToken.None);
        var exam1 = await store.Reads.GetExamVersionAsync(1, CancellationToken.None);
        var exam2 = await store.Reads.GetExamVersionAsync(2, CancellationToken.None);
        Assert.NotNull(ann);
        Assert.NotNull(exam1);

        await Scores.WriteAsync(store, ("bob", 2, 0.75), ("cy", 2, 0.25));

        Assert.Equal(ann, await store.Reads.GetStudentVersionAsync("ann", CancellationToken.None));
        Assert.Equal(exam1, await store.Reads.GetExamVersionAsync(1, CancellationToken.None));
        Assert.True(await store.Reads.GetStudentVersionAsync("bob", CancellationToken.None) > bob);
        Assert.True(await store.Reads.GetExamVersionAsync(2, CancellationToken.None) > exam2);

        // A score that changes nothing (lower than the one kept) moves nothing.
        var bobNow = await store.Reads.GetStudentVersionAsync("bob", CancellationToken.None);
        await Scores.WriteAsync(store, ("bob", 2, 0.1));
        Assert.Equal(bobNow, await store.Reads.GetStudentVersionAsync("bob", CancellationToken.None));

        Assert.Null(await store.Reads.GetStudentVersionAsync("nobody", CancellationToken.None));
        Assert.Null(await store.Reads.GetExamVersionAsync(99, CancellationToken.None));
    }

    [StoreFact]
    public async Task A_rebuild_gives_every_student_and_exam_a_version_above_any_they_had()
    {
        var store = await NewStoreAsync();
        await Scores.WriteAsync(store, ("ann", 1, 0.5));
        await Scores.WriteAsync(store, ("bob", 2, 0.5));
        var highest = Math.Max(
            (await store.Reads.GetStudentVersionAsync("bob", CancellationToken.None))!.Value,
            (await store.Reads.GetExamVersionAsync(2, CancellationToken.None))!.Value);

        await store.RebuildAsync(CancellationToken.None);

        foreach (var version in new[]
        {
            await store.Reads.GetStudentVersionAsync("ann", CancellationToken.None),
            await store.Reads.GetStudentVersionAsync("bob", CancellationToken.None),
            await store.Reads.GetExamVersionAsync(1, CancellationToken.None),
            await store.Reads.GetExamVersionAsync(2, CancellationToken.None),
        })
        {
            Assert.True(version > highest, $"version {version} is not above {highest}");
        }
    }
}
