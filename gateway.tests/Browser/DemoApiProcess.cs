using Bff.Tests.Integration.Infrastructure;
using Bff.Tests.Support;
using System.Globalization;

namespace Bff.Tests.Browser;

/// <summary>
/// The demo API (infra/demo-api, per-user notes behind the dev IdP's access tokens) as its own process on
/// 127.0.0.1, as <c>infra/demo.sh</c> runs it. The solution's build makes it (<c>infra/test.sh</c> builds
/// <c>Bff.sln</c>; <c>dotnet test gateway.tests</c> alone does not): this fixture never builds it itself.
/// </summary>
public sealed class DemoApiProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private DemoApiProcess(int port, ChildProcess process)
    {
        Port = port;
        _process = process;
    }

    public int Port { get; }

    /// <summary><c>http://127.0.0.1:port/</c>: the upstream to give <see cref="GatewayConfig.Create"/>.</summary>
    public Uri BaseAddress => new(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Port}/"));

    public ProcessOutput Output => _process.Output;

    private static string ProjectDirectory => Path.Combine(RepoPaths.Root, "infra", "demo-api");

    private static string Dll => Path.Combine(ProjectDirectory, "bin", RepoPaths.Configuration, "net10.0", "DemoApi.dll");

    public static async Task<DemoApiProcess> StartAsync(DevIdp idp, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(idp);
        if (!File.Exists(Dll))
        {
            throw MachinePrerequisites.Missing($"{Dll} is missing", $"dotnet build Bff.sln -c {RepoPaths.Configuration}");
        }

        Exception? last = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var port = FreePort.Next();
            var output = new ProcessOutput($"demo-api-{port}", TestRun.LogFilePath($"demo-api-{port}"));
            var process = ChildProcess.Start(
                DotnetHost(),
                [Dll, "--urls", string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}")],
                ProjectDirectory,
                new Dictionary<string, string?>
                {
                    ["DemoApi__Authority"] = idp.Issuer,
                    ["ASPNETCORE_ENVIRONMENT"] = "Production",
                    ["DOTNET_NOLOGO"] = "1",
                },
                output,
                removePrefixes: ["ASPNETCORE_", "DemoApi__", "Logging__", "URLS", "HTTP_PORTS"]);
            var api = new DemoApiProcess(port, process);
            var health = new Uri(api.BaseAddress, "api/health");
            if (await HttpProbe.WaitForOkAsync(health, TimeSpan.FromSeconds(30), () => process.HasExited, cancellationToken))
            {
                return api;
            }

            last = new InvalidOperationException($"The demo API on port {port} did not answer {health}. Output:\n{output.Tail()}");
            await api.DisposeAsync();
            if (!output.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                break;
            }
        }

        throw last!;
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        _process.Output.Dispose();
    }

    // The dotnet that runs the tests: `dotnet test` says where it is.
    private static string DotnetHost()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(host) && File.Exists(host) ? host : "dotnet";
    }
}
