using Bff.Tests.Support;
using System.Globalization;

namespace Bff.Tests.Integration.Infrastructure;

/// <summary>
/// The real gateway (the built Bff.Gateway.dll) as its own process on 127.0.0.1, configured
/// through environment variables. Each instance has its own empty HOME, so no Data Protection key
/// ring can be shared through ~/.aspnet: instances that accept each other's cookies do so through
/// Redis.
/// </summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    // Inherited variables that would configure the gateway behind the test's back.
    private static readonly string[] InheritedPrefixesToDrop =
    [
        "ASPNETCORE_", "DOTNET_ENVIRONMENT", "DOTNET_URLS", "Bff__", "ConnectionStrings__", "ReverseProxy__",
        "Logging__", "Kestrel__", "AllowedHosts", "URLS", "HTTP_PORTS", "HTTPS_PORTS", "XDG_",
    ];

    private readonly ChildProcess _process;
    private readonly string _directory;
    private bool _disposed;

    private GatewayProcess(int port, string directory, string home, ChildProcess process)
    {
        Port = port;
        _directory = directory;
        HomeDirectory = home;
        _process = process;
    }

    public int Port { get; }

    /// <summary><c>http://127.0.0.1:port/</c></summary>
    public Uri BaseAddress => new(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Port}/"));

    /// <summary>stdout and stderr, for log assertions; also written under <see cref="TestRun.ArtifactsDirectory"/>.</summary>
    public ProcessOutput Output => _process.Output;

    /// <summary>The process's own HOME (and DOTNET_CLI_HOME), empty at start.</summary>
    public string HomeDirectory { get; }

    public int Pid => _process.Pid;

    public bool HasExited => _process.HasExited;

    public int? ExitCode => _process.ExitCode;

    public static Task<GatewayProcess> StartAsync(
        IDictionary<string, string?> config,
        string? environment = null,
        CancellationToken cancellationToken = default) =>
        StartAsync(new GatewayStartOptions { Config = config, Environment = environment }, cancellationToken);

    public static async Task<GatewayProcess> StartAsync(GatewayStartOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!File.Exists(RepoPaths.GatewayDll))
        {
            throw new InvalidOperationException($"{RepoPaths.GatewayDll} is missing; build the gateway ({RepoPaths.Configuration}) first.");
        }

        GatewayStartException? portTaken = null;
        for (var attempt = 0; attempt < (options.Port is null ? 3 : 1); attempt++)
        {
            var port = options.Port ?? FreePort.Next();
            var gateway = Launch(port, options);
            try
            {
                await gateway.WaitUntilReadyAsync(options.StartTimeout, cancellationToken);
                return gateway;
            }
            catch (GatewayStartException e) when (options.Port is null && e.Output.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                portTaken = e;
                await gateway.DisposeAsync();
            }
            catch
            {
                await gateway.DisposeAsync();
                throw;
            }
        }

        throw portTaken!;
    }

    /// <summary>A browser whose relative URLs go to this gateway, with an empty cookie jar.</summary>
    public TestBrowser CreateBrowser() => new(BaseAddress);

    /// <summary>SIGKILL, as in a crash: no shutdown code runs.</summary>
    public Task KillAsync() => _process.KillAsync();

    /// <summary>SIGTERM, a graceful shutdown; SIGKILL after <paramref name="grace"/> (default 10 s).</summary>
    public Task StopAsync(TimeSpan? grace = null) => _process.TerminateAsync(grace ?? TimeSpan.FromSeconds(10));

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _process.DisposeAsync();
        _process.Output.Dispose();
        TestRun.TryDeleteDirectory(_directory);
    }

    private static GatewayProcess Launch(int port, GatewayStartOptions options)
    {
        var directory = TestRun.CreateTempDirectory($"gateway-{port}");
        var home = Path.Combine(directory, "home");
        Directory.CreateDirectory(home);

        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["HOME"] = home,
            ["DOTNET_CLI_HOME"] = home,
            ["DOTNET_NOLOGO"] = "1",
            ["ASPNETCORE_ENVIRONMENT"] = options.Environment ?? "Production",
            ["ASPNETCORE_WEBROOT"] = RepoPaths.DemoSpaDirectory,
        };
        foreach (var (key, value) in options.Config)
        {
            environment[key.Replace(":", "__", StringComparison.Ordinal)] = value ?? string.Empty;
        }

        foreach (var (key, value) in options.ExtraEnvironment)
        {
            environment[key] = value;
        }

        var output = new ProcessOutput($"gateway-{port}", TestRun.LogFilePath($"gateway-{port}"));
        var process = ChildProcess.Start(
            DotnetHost(),
            [RepoPaths.GatewayDll, "--urls", string.Join(';', options.Hosts.Select(host => string.Create(CultureInfo.InvariantCulture, $"http://{host}:{port}")))],
            RepoPaths.GatewayOutputDirectory,
            environment,
            output,
            InheritedPrefixesToDrop);
        return new GatewayProcess(port, directory, home, process);
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var ready = await HttpProbe.WaitForOkAsync(new Uri(BaseAddress, "healthz"), timeout, () => _process.HasExited, cancellationToken);
        if (ready)
        {
            return;
        }

        var exitedByItself = _process.HasExited;
        await _process.KillAsync();
        var what = exitedByItself
            ? $"exited with code {_process.ExitCode}"
            : $"did not answer 200 on /healthz within {timeout}";
        throw new GatewayStartException(
            $"The gateway on port {Port} {what}. Output:\n{Output.Tail()}",
            exitedByItself ? _process.ExitCode : null,
            Output.ToString());
    }

    // The dotnet that runs the tests: `dotnet test` says where it is.
    private static string DotnetHost()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(host) && File.Exists(host) ? host : "dotnet";
    }
}
