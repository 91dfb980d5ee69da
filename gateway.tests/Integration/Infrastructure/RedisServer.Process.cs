using System.Globalization;

namespace Bff.Tests.Integration.Infrastructure;

/// <summary>The daemon's process: launching it until it answers as itself, and killing it.</summary>
public sealed partial class RedisServer
{
    private async Task LaunchAsync(CancellationToken cancellationToken)
    {
        File.Delete(PidFile);
        string[] arguments =
        [
            "--bind", "127.0.0.1",
            "--port", Port.ToString(CultureInfo.InvariantCulture),
            "--daemonize", "yes",
            "--pidfile", PidFile,
            "--save", string.Empty,
            "--appendonly", "no",
            "--dir", _directory,
            "--logfile", LogFilePath,
            // Redis writes its process title over the memory of its environment, which would wipe
            // the run marker that TestRun finds leaked processes by.
            "--set-proc-title", "no",
            .. _extraArguments,
        ];

        // With --daemonize the command returns once Redis has forked; binding happens in the daemon.
        await ChildProcess.RunAsync("redis-server", arguments, _directory, [], _launcherOutput, StartTimeout, cancellationToken);

        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var pid = ReadPidFile();
            if (pid > 0)
            {
                Pid = pid;
                // INFO rather than PING: it proves the answer comes from our daemon, not from
                // another server that holds the port.
                var info = await RedisProbe.TryCommandAsync(Port, TimeSpan.FromSeconds(1), "INFO", "server");
                if (info is not null && info.Contains($"process_id:{pid}\r\n", StringComparison.Ordinal))
                {
                    return;
                }

                if (!Native.IsAlive(pid))
                {
                    break;
                }
            }
            else if (ReadLog().Contains("Address already in use", StringComparison.Ordinal))
            {
                break;
            }

            await Task.Delay(25, cancellationToken);
        }

        var log = ReadLog();
        Native.Signal(Pid, Native.SigKill);
        if (log.Contains("Address already in use", StringComparison.Ordinal))
        {
            throw new PortTakenException($"Port {Port} was taken.");
        }

        throw new InvalidOperationException($"Redis on port {Port} did not become ready within {StartTimeout}. Its log:\n{log}\nLauncher:\n{_launcherOutput}");
    }

    private async Task StopAsync()
    {
        var pid = Pid > 0 ? Pid : ReadPidFile();
        if (pid <= 0)
        {
            return;
        }

        Native.Signal(pid, Native.SigKill);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Native.IsAlive(pid))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Redis (pid {pid}) did not die within 10 s of SIGKILL.");
            }

            await Task.Delay(10);
        }

        Pid = 0;
    }

    private int ReadPidFile()
    {
        try
        {
            return int.TryParse(File.ReadAllText(PidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private string ReadLog()
    {
        try
        {
            return File.ReadAllText(LogFilePath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "(no log)";
        }
    }

    private sealed class PortTakenException(string message) : Exception(message);
}
