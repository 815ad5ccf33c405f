using System.Diagnostics;
using System.Text;

namespace Gradebook.Tests.Support;

/// <summary>Gradebook as a real child process, for what only a process can show: being killed, being asked to stop.</summary>
internal sealed class GradebookProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _standardOutput = new();

    private GradebookProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data, fromStandardOutput: true);
        _process.ErrorDataReceived += (_, e) => Append(e.Data, fromStandardOutput: false);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>What the process wrote to stdout alone (<see cref="Output"/> holds stdout and stderr).</summary>
    public string StandardOutput
    {
        get
        {
            lock (_output)
            {
                return _standardOutput.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public int Id => _process.Id;

    public static GradebookProcess Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var assembly = typeof(Gradebook.Storage.StoreEngine).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
        };
        start.ArgumentList.Add(assembly);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return new GradebookProcess(Process.Start(start)!);
    }

    /// <summary>
    /// Gradebook as the README's run command starts it, <c>dotnet run --project src/Gradebook</c> from the repository's
    /// root (without building again: the tests' build made it), so whatever <c>dotnet run</c> adds is there too.
    /// </summary>
    public static GradebookProcess StartWithDotnetRun(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        // bin/<configuration>/<framework>/ of the app, which the tests' build put beside its source.
        var configuration = new DirectoryInfo(Path.GetDirectoryName(typeof(Gradebook.Storage.StoreEngine).Assembly.Location)!).Parent!.Name;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repository.Root,
        };
        foreach (var arg in (string[])["run", "--project", "src/Gradebook", "--no-build", "-c", configuration, .. args])
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        start.Environment.Remove("DOTNET_ENVIRONMENT");
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return new GradebookProcess(Process.Start(start)!);
    }

    /// <summary>SIGKILL: no chance to clean up.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, then the exit code once the process has stopped by itself.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        await SignalAsync("TERM");
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGSTOP: the process hangs as under a debugger or in a frozen VM; its sockets stay open.</summary>
    public Task FreezeAsync() => SignalAsync("STOP");

    /// <summary>SIGCONT: a frozen process runs on from where it stopped.</summary>
    public Task ResumeAsync() => SignalAsync("CONT");

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    private async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private void Append(string? line, bool fromStandardOutput)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
            if (fromStandardOutput)
            {
                _standardOutput.AppendLine(line);
            }
        }
    }
}
