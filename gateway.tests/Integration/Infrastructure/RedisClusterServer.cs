using System.Globalization;

namespace Bff.Tests.Integration.Infrastructure;

/// <summary>
/// A Redis Cluster of its own on 127.0.0.1: <c>masters</c> redis-server nodes started with
/// <c>--cluster-enabled yes</c>, joined by <c>redis-cli --cluster create</c> with no replicas, ready once
/// every node reports <c>cluster_state:ok</c>. Nothing is persisted. Each node's cluster bus gets a
/// port of its own (<c>--cluster-port</c>) rather than the default port + 10000, which could fall in
/// the kernel's ephemeral range.
/// </summary>
public sealed class RedisClusterServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly string _directory;
    private readonly ProcessOutput _launcherOutput;
    private readonly List<int> _pids = [];
    private bool _disposed;

    private RedisClusterServer(IReadOnlyList<int> ports, string directory, ProcessOutput launcherOutput)
    {
        Ports = ports;
        _directory = directory;
        _launcherOutput = launcherOutput;
    }

    /// <summary>The nodes' client ports.</summary>
    public IReadOnlyList<int> Ports { get; }

    /// <summary>StackExchange.Redis configuration string listing every node.</summary>
    public string ConnectionString => string.Join(',', Ports.Select(p => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{p}")));

    public static async Task<RedisClusterServer> StartAsync(int masters = 3, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(masters, 3);
        MachinePrerequisites.Require("redis-server", "apt-get install -y redis-server");
        MachinePrerequisites.Require("redis-cli", "apt-get install -y redis-tools");

        var ports = Enumerable.Range(0, masters).Select(_ => FreePort.Next()).ToArray();
        var cluster = new RedisClusterServer(ports, TestRun.CreateTempDirectory($"redis-cluster-{ports[0]}"), new ProcessOutput($"redis-cluster-{ports[0]} launcher"));
        try
        {
            foreach (var port in ports)
            {
                await cluster.LaunchNodeAsync(port, FreePort.Next(), cancellationToken);
            }

            await ChildProcess.RunAsync(
                "redis-cli",
                ["--cluster", "create", .. ports.Select(p => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{p}")), "--cluster-replicas", "0", "--cluster-yes"],
                cluster._directory,
                [],
                cluster._launcherOutput,
                StartTimeout,
                cancellationToken);

            await cluster.WaitUntilOkAsync(cancellationToken);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary><c>CLUSTER KEYSLOT key</c>, asked of the first node.</summary>
    public async Task<int> KeySlotAsync(string key)
    {
        var reply = await RedisProbe.TryCommandAsync(Ports[0], TimeSpan.FromSeconds(2), "CLUSTER", "KEYSLOT", key)
            ?? throw new InvalidOperationException("The cluster did not answer CLUSTER KEYSLOT.");
        // An integer reply comes back as ":1234".
        return int.Parse(reply.TrimStart(':').Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var pid in _pids)
        {
            Native.Signal(pid, Native.SigKill);
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (_pids.Any(Native.IsAlive) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        TestRun.TryDeleteDirectory(_directory);
        _launcherOutput.Dispose();
    }

    private async Task LaunchNodeAsync(int port, int busPort, CancellationToken cancellationToken)
    {
        var p = port.ToString(CultureInfo.InvariantCulture);
        var pidFile = Path.Combine(_directory, $"redis-{p}.pid");
        string[] arguments =
        [
            "--bind", "127.0.0.1",
            "--port", p,
            "--cluster-enabled", "yes",
            "--cluster-config-file", Path.Combine(_directory, $"nodes-{p}.conf"),
            "--cluster-port", busPort.ToString(CultureInfo.InvariantCulture),
            "--cluster-node-timeout", "5000",
            "--daemonize", "yes",
            "--pidfile", pidFile,
            "--save", string.Empty,
            "--appendonly", "no",
            "--dir", _directory,
            "--logfile", TestRun.LogFilePath($"redis-cluster-{p}"),
            // As in RedisServer: keep the environment, and with it the run marker, readable.
            "--set-proc-title", "no",
        ];
        await ChildProcess.RunAsync("redis-server", arguments, _directory, [], _launcherOutput, StartTimeout, cancellationToken);

        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (File.Exists(pidFile)
                && int.TryParse((await File.ReadAllTextAsync(pidFile, cancellationToken)).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                if (!_pids.Contains(pid))
                {
                    _pids.Add(pid);
                }

                var info = await RedisProbe.TryCommandAsync(port, TimeSpan.FromSeconds(1), "INFO", "server");
                if (info is not null && info.Contains($"process_id:{pid}\r\n", StringComparison.Ordinal))
                {
                    return;
                }
            }

            await Task.Delay(25, cancellationToken);
        }

        throw new InvalidOperationException($"Cluster node on port {port} did not become ready within {StartTimeout}.");
    }

    private async Task WaitUntilOkAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            var ok = true;
            foreach (var port in Ports)
            {
                var info = await RedisProbe.TryCommandAsync(port, TimeSpan.FromSeconds(1), "CLUSTER", "INFO");
                ok &= info?.Contains("cluster_state:ok", StringComparison.Ordinal) == true;
            }

            if (ok)
            {
                return;
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new InvalidOperationException($"The cluster on ports {string.Join(", ", Ports)} did not reach cluster_state:ok within {StartTimeout}. Launcher:\n{_launcherOutput}");
    }
}
