using System.Globalization;

namespace Bff.Tests.Integration.Infrastructure;

/// <summary>
/// A redis-server of the test's own on 127.0.0.1 with no persistence, in its own temp folder.
/// Open connections with your own ConnectionMultiplexer from <see cref="ConnectionString"/>.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);

    private readonly string _directory;
    private readonly ProcessOutput _launcherOutput;
    private string[] _extraArguments = [];
    private bool _disposed;

    private RedisServer(int port, string directory, string logFilePath, ProcessOutput launcherOutput)
    {
        Port = port;
        _directory = directory;
        LogFilePath = logFilePath;
        _launcherOutput = launcherOutput;
    }

    public int Port { get; }

    /// <summary>StackExchange.Redis configuration string.</summary>
    public string ConnectionString => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    /// <summary>The daemon's pid; changes on <see cref="RestartAsync"/>.</summary>
    public int Pid { get; private set; }

    public bool IsRunning => Pid > 0 && Native.IsAlive(Pid);

    /// <summary>Redis's own log, kept with the run's artifacts.</summary>
    public string LogFilePath { get; }

    /// <summary>The shared instance (see <see cref="SharedServers"/>) cannot be killed, restarted or disposed by one test.</summary>
    internal bool IsShared { get; set; }

    private string PidFile => Path.Combine(_directory, "redis.pid");

    public static Task<RedisServer> StartAsync(CancellationToken cancellationToken = default) => StartAsync([], cancellationToken);

    /// <summary>A replica of <paramref name="primary"/>, in sync with it when this returns.</summary>
    public static async Task<RedisServer> StartReplicaAsync(RedisServer primary, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(primary);
        var replica = await StartAsync(["--replicaof", "127.0.0.1", primary.Port.ToString(CultureInfo.InvariantCulture)], cancellationToken);
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            var replication = await RedisProbe.TryCommandAsync(replica.Port, TimeSpan.FromSeconds(1), "INFO", "replication");
            if (replication is not null && replication.Contains("master_link_status:up", StringComparison.Ordinal))
            {
                return replica;
            }

            await Task.Delay(25, cancellationToken);
        }

        await replica.DisposeAsync();
        throw new InvalidOperationException($"The replica of Redis on port {primary.Port} did not sync within {StartTimeout}.");
    }

    /// <summary>Stops a process without killing it (SIGSTOP), as a hung host or a network partition would.</summary>
    public void Pause() => Native.Signal(Pid, Native.SigStop);

    /// <summary>Lets a <see cref="Pause">paused</see> Redis go on (SIGCONT).</summary>
    public void Resume() => Native.Signal(Pid, Native.SigCont);

    private static async Task<RedisServer> StartAsync(string[] extraArguments, CancellationToken cancellationToken)
    {
        MachinePrerequisites.Require("redis-server", "apt-get install -y redis-server");

        Exception? last = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var port = FreePort.Next();
            var directory = TestRun.CreateTempDirectory($"redis-{port}");
            var server = new RedisServer(
                port,
                directory,
                TestRun.LogFilePath($"redis-{port}"),
                new ProcessOutput($"redis-{port} launcher"))
            {
                _extraArguments = extraArguments,
            };
            try
            {
                await server.LaunchAsync(cancellationToken);
                return server;
            }
            catch (PortTakenException e)
            {
                // Someone else bound the port between our check and Redis's bind; try another.
                last = e;
                await server.DisposeAsync();
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }

        throw new InvalidOperationException("Redis could not bind a free port in 3 attempts.", last);
    }

    /// <summary>SIGKILL, as in a crash or an outage; the port stops answering at once.</summary>
    public async Task KillAsync()
    {
        ThrowIfShared();
        await StopAsync();
    }

    /// <summary>Starts Redis again on the same port (empty: nothing was persisted), killing it first if it runs.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfShared();
        await StopAsync();
        await LaunchAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (IsShared || _disposed)
        {
            return;
        }

        _disposed = true;
        await StopAsync();
        TestRun.TryDeleteDirectory(_directory);
        _launcherOutput.Dispose();
    }

    private void ThrowIfShared()
    {
        if (IsShared)
        {
            throw new InvalidOperationException("This is the shared Redis of the test run; start a RedisServer of your own to kill or restart it.");
        }
    }

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
