using Bff.Tests.Integration.Infrastructure;
using Bff.Tests.Support;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Bff.Tests.Integration.Hosting;

/// <summary>
/// What the image runs, without the image (no container engine here): the host's <c>dotnet publish</c> output,
/// started as the Dockerfile's runtime stage starts it: its <c>ENV</c>, its <c>ENTRYPOINT</c> from the app folder,
/// configured only by environment variables, and probed by its <c>HEALTHCHECK</c> command. The Dockerfile is read,
/// not copied here, so the two cannot drift apart.
/// </summary>
[Trait("Category", "Integration")]
public sealed partial class PublishedHostTests
{
    // What the test run or the machine sets that would configure the host behind the image's back.
    private static readonly string[] InheritedPrefixesToDrop =
    [
        "ASPNETCORE_", "DOTNET_", "Bff__", "ConnectionStrings__", "ReverseProxy__", "Logging__", "Kestrel__", "URLS", "HTTP_PORTS",
    ];

    [Fact]
    public async Task PublishOutput_StartedAsTheImageDoes_ServesProbesAndStopsOnSigterm()
    {
        var runtime = RuntimeStage(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "Dockerfile")));
        var directory = TestRun.CreateTempDirectory("publish");
        var app = Path.Combine(directory, "app");
        var home = Path.Combine(directory, "home");
        Directory.CreateDirectory(home);
        try
        {
            // --no-build: the test run's own build of the same sources (a build here would race the other tests'
            // gateways for bin/); the Dockerfile's publish arguments otherwise.
            using (var publishOutput = new ProcessOutput("publish"))
            {
                await ChildProcess.RunAsync("dotnet",
                    ["publish", Path.Combine(RepoPaths.Root, "gateway", "Bff.Host", "Bff.Host.csproj"), "-c", RepoPaths.Configuration, "-o", app, "--no-build", "-p:UseAppHost=false", "-nologo"],
                    RepoPaths.Root, [], publishOutput, TimeSpan.FromMinutes(5), CancellationToken.None);
            }

            Assert.False(Directory.Exists(Path.Combine(app, "wwwroot")), "the publish output carries a web root (the demo SPA?)");
            Assert.True(File.Exists(Path.Combine(app, runtime.Entrypoint[1])));

            var shared = await SharedServers.GetAsync();
            var port = FreePort.Next();
            var environment = new Dictionary<string, string?>(runtime.Environment)
            {
                // The image listens on 8080; here another port, through the same variable.
                ["ASPNETCORE_HTTP_PORTS"] = port.ToString(CultureInfo.InvariantCulture),
                ["HOME"] = home,
                ["Bff__Authority"] = shared.Idp.Issuer,
                ["Bff__ClientId"] = shared.Idp.ClientId,
                ["Bff__ClientSecret"] = shared.Idp.ClientSecret,
                ["Bff__RequireHttpsMetadata"] = "false",
                ["ConnectionStrings__Redis"] = shared.Redis.ConnectionString,
            };
            Assert.Equal("0", environment["DOTNET_EnableDiagnostics"]);

            using var output = new ProcessOutput("published-host", TestRun.LogFilePath("published-host"));
            await using var host = ChildProcess.Start(runtime.Entrypoint[0], runtime.Entrypoint.Skip(1), app, environment, output, InheritedPrefixesToDrop);
            var baseAddress = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/"));
            Assert.True(await HttpProbe.WaitForOkAsync(new Uri(baseAddress, "healthz"), TimeSpan.FromSeconds(60), () => host.HasExited, CancellationToken.None),
                $"the published host did not answer /healthz. Output:\n{output.Tail()}");
            using var client = new HttpClient { BaseAddress = baseAddress };
            await Eventually.TrueAsync(async () => (await client.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK,
                TimeSpan.FromSeconds(30), "/readyz to answer 200", TimeSpan.FromMilliseconds(100));
            // Production outside Development: JSON logs, and no diagnostics socket in /tmp (a read-only root works).
            Assert.Contains(output.Lines, l => l.StartsWith('{') && l.Contains("\"EventId\":", StringComparison.Ordinal));
            // The socket's name carries the pid and the process's start time (stale ones of other processes linger).
            Assert.False(File.Exists(Path.Combine(Path.GetTempPath(), string.Create(CultureInfo.InvariantCulture, $"dotnet-diagnostic-{host.Pid}-{Native.StartTime(host.Pid)}-socket"))));

            Assert.Equal(0, await HealthcheckAsync(runtime, app, environment));

            await host.TerminateAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, host.ExitCode);
            Assert.Equal(1, await HealthcheckAsync(runtime, app, environment));
            // Nothing written to HOME (Data Protection keys live in Redis).
            Assert.Empty(Directory.GetFileSystemEntries(home));
        }
        finally
        {
            TestRun.TryDeleteDirectory(directory);
        }
    }

    private static async Task<int> HealthcheckAsync(RuntimeStageInfo runtime, string app, Dictionary<string, string?> environment)
    {
        using var output = new ProcessOutput("healthcheck");
        await using var probe = ChildProcess.Start(runtime.Healthcheck[0], runtime.Healthcheck.Skip(1), app, environment, output, InheritedPrefixesToDrop);
        await probe.Exited.WaitAsync(TimeSpan.FromSeconds(60));
        return probe.ExitCode!.Value;
    }

    /// <summary>The runtime (last) stage's <c>ENV</c> pairs, <c>ENTRYPOINT</c> and <c>HEALTHCHECK CMD</c>, both in exec form.</summary>
    private static RuntimeStageInfo RuntimeStage(string dockerfile)
    {
        var lines = ContinuationRegex().Replace(dockerfile, " ").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        var stage = lines.Skip(lines.FindLastIndex(l => l.StartsWith("FROM ", StringComparison.Ordinal))).ToList();
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var env in stage.Where(l => l.StartsWith("ENV ", StringComparison.Ordinal)))
        {
            foreach (Match pair in EnvPairRegex().Matches(env[4..]))
            {
                environment[pair.Groups[1].Value] = pair.Groups[2].Value;
            }
        }

        return new RuntimeStageInfo(
            environment,
            ExecForm(stage.Single(l => l.StartsWith("ENTRYPOINT ", StringComparison.Ordinal))),
            ExecForm(stage.Single(l => l.StartsWith("HEALTHCHECK ", StringComparison.Ordinal))));
    }

    private static string[] ExecForm(string instruction)
    {
        var json = instruction[instruction.IndexOf('[', StringComparison.Ordinal)..];
        return System.Text.Json.JsonSerializer.Deserialize<string[]>(json)!;
    }

    private sealed record RuntimeStageInfo(IReadOnlyDictionary<string, string?> Environment, string[] Entrypoint, string[] Healthcheck);

    [GeneratedRegex(@"\\\s*\n")]
    private static partial Regex ContinuationRegex();

    [GeneratedRegex(@"(\w+)=(\S+)")]
    private static partial Regex EnvPairRegex();
}
