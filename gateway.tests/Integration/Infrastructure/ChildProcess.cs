using System.Diagnostics;

namespace Bff.Tests.Integration.Infrastructure;

/// <summary>A process the fixtures start, with its output captured and the run's marker set.</summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly Task _exited;
    private int _exitNoted;

    private ChildProcess(Process process, ProcessOutput output)
    {
        _process = process;
        Output = output;
        Pid = process.Id;
        _exited = process.WaitForExitAsync();
    }

    public int Pid { get; }

    public ProcessOutput Output { get; }

    public bool HasExited => _exited.IsCompleted;

    /// <summary>Completes when the process has exited and its output has been read to the end.</summary>
    public Task Exited => _exited;

    public int? ExitCode => HasExited ? _process.ExitCode : null;

    /// <param name="environment">Set on top of the inherited environment; a null value removes the variable.</param>
    /// <param name="removePrefixes">Inherited variables with these prefixes are dropped, so a developer's shell cannot leak in.</param>
    public static ChildProcess Start(
        string fileName,
        IEnumerable<string> arguments,
        string workingDirectory,
        IEnumerable<KeyValuePair<string, string?>> environment,
        ProcessOutput output,
        IEnumerable<string>? removePrefixes = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var prefix in removePrefixes ?? [])
        {
            foreach (var key in info.Environment.Keys.Where(k => k.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)).ToList())
            {
                info.Environment.Remove(key);
            }
        }

        foreach (var (key, value) in environment)
        {
            if (value is null)
            {
                info.Environment.Remove(key);
            }
            else
            {
                info.Environment[key] = value;
            }
        }

        info.Environment[TestRun.MarkerVariable] = TestRun.Id;

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                output.Append(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                output.Append(e.Data);
            }
        };

        output.Append($"[fixture] {DateTime.UtcNow:HH:mm:ss.fff} start: {fileName} {string.Join(' ', info.ArgumentList)} (in {workingDirectory})");
        process.Start();
        // No process of ours reads stdin; closing it keeps one from waiting on the terminal.
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ChildProcess(process, output);
    }

    /// <summary>Runs a short command to completion; throws with its output when it fails.</summary>
    public static async Task RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        string workingDirectory,
        IEnumerable<KeyValuePair<string, string?>> environment,
        ProcessOutput output,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        await using var child = Start(fileName, arguments, workingDirectory, environment, output);
        try
        {
            await child.Exited.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{fileName} did not finish within {timeout}. Output:\n{output.Tail()}");
        }

        if (child.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} exited with {child.ExitCode}. Output:\n{output.Tail()}");
        }
    }

    /// <summary>SIGKILL to the process and everything it started; waits until it is gone.</summary>
    public async Task KillAsync()
    {
        var killed = false;
        if (!HasExited)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
                killed = true;
            }
            catch (InvalidOperationException)
            {
                // It exited between the check and the kill.
            }
        }

        await WaitForExitAsync();
        if (Interlocked.Exchange(ref _exitNoted, 1) == 0)
        {
            Output.Append($"[fixture] {DateTime.UtcNow:HH:mm:ss.fff} {(killed ? "killed" : "exited")} (exit code {ExitCode})");
        }
    }

    /// <summary>SIGTERM, for a graceful shutdown; SIGKILL if that takes longer than <paramref name="grace"/>.</summary>
    public async Task TerminateAsync(TimeSpan grace)
    {
        if (!HasExited)
        {
            Native.Signal(Pid, Native.SigTerm);
            try
            {
                await _exited.WaitAsync(grace);
            }
            catch (TimeoutException)
            {
                // Fall through to the kill.
            }
        }

        await KillAsync();
    }

    private async Task WaitForExitAsync()
    {
        try
        {
            await _exited.WaitAsync(ExitWait);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Process {Pid} ({Output.Name}) did not exit within {ExitWait} of SIGKILL.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}
