using System.Globalization;

namespace Bff.Tests.Integration.Infrastructure;

/// <summary>
/// A Redis of its own watched by one Sentinel on 127.0.0.1, service name <see cref="ServiceName"/>:
/// what a gateway configured with <c>sentinel:26379,serviceName=...</c> connects through.
/// </summary>
public sealed class RedisSentinelServer : IAsyncDisposable
{
    public const string ServiceName = "bffmaster";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);

    private readonly string _directory;
    private readonly ProcessOutput _launcherOutput;
    private int _pid;
    private bool _disposed;

    private RedisSentinelServer(RedisServer primary, RedisServer? replica, int port, string directory, ProcessOutput launcherOutput)
    {
        Primary = primary;
        Replica = replica;
        Port = port;
        _directory = directory;
        _launcherOutput = launcherOutput;
    }

    /// <summary>The Redis the Sentinel names as primary.</summary>
    public RedisServer Primary { get; }

    /// <summary>The primary's replica, when started <see cref="StartWithReplicaAsync">with one</see>.</summary>
    public RedisServer? Replica { get; }

    /// <summary>The Sentinel's port.</summary>
    public int Port { get; }

    /// <summary>StackExchange.Redis configuration string: the Sentinel and the service name, not the primary.</summary>
    public string ConnectionString => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port},serviceName={ServiceName}");

    public static async Task<RedisSentinelServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var primary = await RedisServer.StartAsync(cancellationToken);
        return await StartAsync(primary, null, cancellationToken);
    }

    /// <summary>
    /// A primary, a replica in sync with it, and a Sentinel that knows both and fails over a second after the
    /// primary stops answering.
    /// </summary>
    public static async Task<RedisSentinelServer> StartWithReplicaAsync(CancellationToken cancellationToken = default)
    {
        var primary = await RedisServer.StartAsync(cancellationToken);
        RedisServer replica;
        try
        {
            replica = await RedisServer.StartReplicaAsync(primary, cancellationToken);
        }
        catch
        {
            await primary.DisposeAsync();
            throw;
        }

        return await StartAsync(primary, replica, cancellationToken);
    }

    /// <summary>Whether the replica has been promoted: it answers as a primary itself.</summary>
    public async Task<bool> ReplicaPromotedAsync()
    {
        var replication = Replica is null ? null : await RedisProbe.TryCommandAsync(Replica.Port, TimeSpan.FromSeconds(1), "INFO", "replication");
        return replication is not null && replication.Contains("role:master", StringComparison.Ordinal);
    }

    private static async Task<RedisSentinelServer> StartAsync(RedisServer primary, RedisServer? replica, CancellationToken cancellationToken)
    {
        var port = FreePort.Next();
        var sentinel = new RedisSentinelServer(primary, replica, port, TestRun.CreateTempDirectory($"redis-sentinel-{port}"), new ProcessOutput($"redis-sentinel-{port} launcher"));
        try
        {
            await sentinel.LaunchAsync(cancellationToken);
            return sentinel;
        }
        catch
        {
            await sentinel.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_pid > 0)
        {
            Native.Signal(_pid, Native.SigKill);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (Native.IsAlive(_pid) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }
        }

        await Primary.DisposeAsync();
        if (Replica is not null)
        {
            await Replica.DisposeAsync();
        }

        TestRun.TryDeleteDirectory(_directory);
        _launcherOutput.Dispose();
    }

    private async Task LaunchAsync(CancellationToken cancellationToken)
    {
        // Sentinel rewrites its configuration file, so it gets one of its own.
        var config = Path.Combine(_directory, "sentinel.conf");
        var pidFile = Path.Combine(_directory, "sentinel.pid");
        await File.WriteAllTextAsync(config, string.Create(CultureInfo.InvariantCulture, $"""
            bind 127.0.0.1
            port {Port}
            sentinel monitor {ServiceName} 127.0.0.1 {Primary.Port} 1
            sentinel down-after-milliseconds {ServiceName} 1000
            sentinel failover-timeout {ServiceName} 10000
            """), cancellationToken);
        string[] arguments =
        [
            config, "--sentinel",
            "--daemonize", "yes",
            "--pidfile", pidFile,
            "--dir", _directory,
            "--logfile", TestRun.LogFilePath($"redis-sentinel-{Port}"),
            "--set-proc-title", "no",
        ];
        await ChildProcess.RunAsync("redis-server", arguments, _directory, [], _launcherOutput, StartTimeout, cancellationToken);

        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_pid == 0 && File.Exists(pidFile)
                && int.TryParse((await File.ReadAllTextAsync(pidFile, cancellationToken)).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                _pid = pid;
            }

            var primary = await RedisProbe.TryCommandAsync(Port, TimeSpan.FromSeconds(1), "SENTINEL", "GET-MASTER-ADDR-BY-NAME", ServiceName);
            // Not before the pid is known, or disposing could not stop the Sentinel. An array reply comes back as its
            // header line ("*2") once the Sentinel knows the primary; the
            // replica, which it learns of from the primary's INFO, must be known too before a failover can promote it.
            if (_pid > 0 && primary == "*2" && (Replica is null
                || await RedisProbe.TryCommandAsync(Port, TimeSpan.FromSeconds(1), "SENTINEL", "REPLICAS", ServiceName) == "*1"))
            {
                return;
            }

            await Task.Delay(50, cancellationToken);
        }

        throw new InvalidOperationException($"The Sentinel on port {Port} did not report {ServiceName} within {StartTimeout}.");
    }
}
