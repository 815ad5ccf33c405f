using System.Threading.Channels;
using Gradebook.Feed;
using Gradebook.Ingestion;

namespace Gradebook.Tests.Ingestion;

public sealed class WriterThreadTests
{
    [Fact]
    public async Task Every_continuation_runs_on_the_one_thread_and_the_caller_goes_on_off_it()
    {
        using var writer = new WriterThread("test writer");
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
        using var writer = new WriterThread("test writer");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => writer.RunAsync(async () =>
        {
            await Task.Yield();
            throw new InvalidOperationException("lost");
        }));

        Assert.Equal("lost", error.Message);
    }
}
