using System.Runtime.InteropServices;

namespace Gradebook.Ingestion;

/// <summary>
/// Lowers the calling thread's scheduling priority on Linux, where each thread has a nice value of its own.
/// Hand-written because <see cref="Thread.Priority"/> changes nothing on Linux (the runtime's threads run under the
/// normal policy, whose only priority is 0), and there is no package for two system calls. One way only: a process
/// without privileges may lower its threads' priority, never raise it again.
/// </summary>
internal static class ThreadNice
{
    private const int PriorityOfProcess = 0; // PRIO_PROCESS: given a thread's id, that one thread.
    private const int LowestPriority = 19;

    /// <summary>
    /// Raises the calling thread's nice value by <paramref name="by"/> (as <c>nice -n</c> does, up to the lowest
    /// priority, 19), so that it runs below the threads it was started beside; false where it cannot.
    /// </summary>
    public static bool Lower(int by)
    {
        if (by == 0 || !OperatingSystem.IsLinux())
        {
            return by == 0;
        }

        var thread = GetThreadId();
        return SetPriority(PriorityOfProcess, thread, Math.Min(LowestPriority, GetPriority(PriorityOfProcess, thread) + by)) == 0;
    }

    [DllImport("libc", EntryPoint = "gettid")]
    private static extern int GetThreadId();

    [DllImport("libc", EntryPoint = "getpriority")]
    private static extern int GetPriority(int which, int who);

    [DllImport("libc", EntryPoint = "setpriority")]
    private static extern int SetPriority(int which, int who, int priority);
}
