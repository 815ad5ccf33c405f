using System.Collections.Concurrent;

namespace Gradebook.Ingestion;

/// <summary>
/// A task scheduler with one thread of its own, on which one of a feed's loops (its reader, its writer) and every
/// continuation of it run. Hand-written because the framework has none that keeps to one thread
/// (<c>ConcurrentExclusiveSchedulerPair</c> runs one task at a time, but on any thread of the pool). It matters twice.
/// To SQLite, whose work is synchronous and runs on the writer's thread: each batch allocates its connection's large
/// page cache with the C allocator, which serves each thread from an arena of its own, so a writer that moved between
/// pool threads left a freed cache behind in each arena it had used, and the process's memory grew with the arenas.
/// And to the requests: a catch-up parses and writes without pause, and on threads of its own it takes none of the
/// pool's threads from them, and can run below them (<see cref="ThreadNice"/>).
/// </summary>
internal sealed class IngestionThread : TaskScheduler, IDisposable
{
    private readonly BlockingCollection<Task> _tasks = [];
    private readonly Thread _thread;
    private readonly int _nice;

    /// <param name="name">The thread's name, as a debugger and <c>top -H</c> show it.</param>
    /// <param name="nice">How far below the requests' threads the operating system schedules it: this much added to the nice value (Linux).</param>
    public IngestionThread(string name, int nice)
    {
        _nice = nice;
        _thread = new Thread(Run) { IsBackground = true, Name = name };
        _thread.Start();
    }

    public override int MaximumConcurrencyLevel => 1;

    /// <summary>
    /// Runs <paramref name="work"/> on this thread, with every continuation of its awaits. What awaits the returned
    /// task goes on on the thread pool, never on this thread.
    /// </summary>
    public Task RunAsync(Func<Task> work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.DenyChildAttach, this).Unwrap()
            .ContinueWith(done => done, CancellationToken.None, TaskContinuationOptions.DenyChildAttach, Default).Unwrap();

    /// <summary>Lets the thread end once the tasks queued so far have run.</summary>
    public void Dispose() => _tasks.CompleteAdding();

    protected override void QueueTask(Task task)
    {
        try
        {
            _tasks.Add(task);
        }
        catch (InvalidOperationException)
        {
            // Disposed: a straggler runs on the pool rather than never.
            ThreadPool.UnsafeQueueUserWorkItem(_ => TryExecuteTask(task), null);
        }
    }

    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        Thread.CurrentThread == _thread && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks() => _tasks.ToArray();

    private void Run()
    {
        ThreadNice.Lower(_nice);
        foreach (var task in _tasks.GetConsumingEnumerable())
        {
            TryExecuteTask(task);
        }
    }
}
