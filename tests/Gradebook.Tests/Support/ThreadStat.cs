namespace Gradebook.Tests.Support;

/// <summary>A process's threads as Linux's <c>/proc</c> shows them: each one's name and nice value.</summary>
internal static class ThreadStat
{
    public static int NiceOfCurrentThread() => Nice(File.ReadAllText("/proc/thread-self/stat"));

    /// <summary>The nice value of the thread that started process <paramref name="pid"/>, which every other thread of it started from.</summary>
    public static int NiceOfMainThread(int pid) => Nice(File.ReadAllText($"/proc/{pid}/task/{pid}/stat"));

    /// <summary>The threads of process <paramref name="pid"/> (names cut to 15 characters, as the kernel keeps them).</summary>
    public static IReadOnlyList<(string Name, int Nice)> Threads(int pid)
    {
        var threads = new List<(string, int)>();
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                threads.Add((File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n'), Nice(File.ReadAllText(Path.Combine(task, "stat")))));
            }
            catch (IOException)
            {
                // The thread ended while it was read.
            }
        }

        return threads;
    }

    // The name, in parentheses, may hold spaces: the fields are counted from after it; the nice value is the 19th.
    private static int Nice(string stat) => int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[16], System.Globalization.CultureInfo.InvariantCulture);
}
