using System.Threading.Channels;
using Gradebook.Ingestion;
using Gradebook.Tests.Support;

namespace Gradebook.Tests.Ingestion;

public sealed class IngestionThreadTests
{
    [Fact]
    public async Task Every_continuation_runs_on_the_one_thread_and_the_caller_goes_on_off_it()
    {
        using var writer = new IngestionThread("test writer", 0);
        var queue = Channel.CreateUnbounded<int>();
        var threads = new HashSet<int>();

        var writing = writer.RunAsync(async () =>
        {
            while (await queue.Reader.WaitToReadAsync())
            {
                while (queue.Reader.TryRead(out _))
                {
                    threads.Add(Environment.CurrentManagedThreadId);
                }

                await Task.Delay(1);
                await Task.Yield();
                threads.Add(Environment.CurrentManagedThreadId);
            }
        });
        for (var i = 0; i < 20; i++)
        {
            await queue.Writer.WriteAsync(i);
            await Task.Delay(2);
        }

        queue.Writer.Complete();
        await writing;

        var only = Assert.Single(threads);
        Assert.NotEqual(only, Environment.CurrentManagedThreadId);
        Assert.Equal(TaskScheduler.Default, TaskScheduler.Current);
    }

    [Fact]
    public async Task A_failure_reaches_the_caller()
    {
        using var writer = new IngestionThread("test writer", 0);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => writer.RunAsync(async () =>
        {
            await Task.Yield();
            throw new InvalidOperationException("lost");
        }));

        Assert.Equal("lost", error.Message);
    }

    [Fact]
    public async Task Its_thread_runs_as_far_below_its_creator_as_it_was_asked()
    {
        Assert.True(OperatingSystem.IsLinux(), "Thread nice values are Linux's.");
        var creator = ThreadStat.NiceOfCurrentThread();
        using var below = new IngestionThread("test below", 5);
        using var equal = new IngestionThread("test equal", 0);

        int belowNice = 0, equalNice = 0;
        await below.RunAsync(() => Task.FromResult(belowNice = ThreadStat.NiceOfCurrentThread()));
        await equal.RunAsync(() => Task.FromResult(equalNice = ThreadStat.NiceOfCurrentThread()));

        Assert.Equal(Math.Min(19, creator + 5), belowNice);
        Assert.Equal(creator, equalNice);
    }

    [Theory]
    [InlineData("Reads", 3)]
    [InlineData("CatchUp", 0)]
    public async Task A_feeds_reader_and_writer_run_below_the_requests_unless_the_catch_up_comes_first(string priority, int below)
    {
        using var directory = new TempDirectory();
        using var process = GradebookProcess.Start(new Dictionary<string, string>
        {
            ["ConnectionStrings__Gradebook"] = directory.SqliteConnectionString(),
            ["URLS"] = $"http://127.0.0.1:{Ports.Free()}",
            ["Feed__Priority"] = priority,
        });

        var threads = await Eventually.Until(
            () => Task.FromResult(ThreadStat.Threads(process.Id).Where(t => t.Name.StartsWith("Feed ", StringComparison.Ordinal)).ToList()),
            found => found.Count == 2 || process.HasExited);

        Assert.False(process.HasExited, process.Output);
        var main = ThreadStat.NiceOfMainThread(process.Id);
        Assert.All(threads, t => Assert.Equal(Math.Min(19, main + below), t.Nice));
    }
}
