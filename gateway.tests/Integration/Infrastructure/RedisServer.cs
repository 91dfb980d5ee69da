using System.Globalization;

namespace Bff.Tests.Integration.Infrastructure;

/// <summary>
/// A redis-server of the test's own on 127.0.0.1 with no persistence, in its own temp folder.
/// Open connections with your own ConnectionMultiplexer from <see cref="ConnectionString"/>.
/// </summary>
public sealed partial class RedisServer : IAsyncDisposable
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
}
