using Bff.Tests.Support;
using System.Globalization;
using System.Text.Json;

namespace Bff.Tests.Integration.Infrastructure;

/// <summary>
/// The second OpenID Provider (infra/openiddict-idp, OpenIddict's server) as its own process on 127.0.0.1: the
/// dev IdP's users and client, another implementation. The solution's build makes it (<c>infra/test.sh</c>
/// builds <c>Bff.sln</c>); this fixture never builds it itself.
/// </summary>
public sealed class OpenIddictIdp : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private readonly OpenIddictIdpOptions _options;
    private readonly ChildProcess _process;

    private OpenIddictIdp(int port, OpenIddictIdpOptions options, ChildProcess process)
    {
        Port = port;
        _options = options;
        _process = process;
    }

    public int Port { get; }

    /// <summary>As OpenIddict writes it, in discovery and in every token's <c>iss</c>: with a trailing slash.</summary>
    public string Issuer => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Port}/");

    public Uri DiscoveryUri => new(Issuer + ".well-known/openid-configuration");

    public Uri TokenEndpoint => new(Issuer + "connect/token");

    public string ClientId => _options.ClientId;

    public string ClientSecret => _options.ClientSecret;

    /// <summary>stdout and stderr: OpenIddict's own log of every request it handled, tokens and secrets redacted.</summary>
    public ProcessOutput Output => _process.Output;

    private static string Dll => Path.Combine(RepoPaths.OpenIddictIdpOutputDirectory, "OpenIddictIdp.dll");

    public static async Task<OpenIddictIdp> StartAsync(OpenIddictIdpOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new OpenIddictIdpOptions();
        if (!File.Exists(Dll))
        {
            throw MachinePrerequisites.Missing($"{Dll} is missing", $"dotnet build Bff.sln -c {RepoPaths.Configuration}");
        }

        Exception? last = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var port = FreePort.Next();
            var output = new ProcessOutput($"openiddict-{port}", TestRun.LogFilePath($"openiddict-{port}"));
            var idp = new OpenIddictIdp(port, options, ChildProcess.Start(
                DotnetHost(), [Dll], RepoPaths.OpenIddictIdpOutputDirectory, Environment(port, options), output,
                removePrefixes: ["OIDDICT_", "ASPNETCORE_", "DOTNET_ENVIRONMENT", "Logging__", "Kestrel__", "URLS"]));
            if (await idp.WaitUntilReadyAsync(options.StartTimeout, cancellationToken))
            {
                return idp;
            }

            last = new InvalidOperationException(
                $"The OpenIddict IdP on port {port} did not serve {idp.DiscoveryUri} within {options.StartTimeout} (exit code {idp._process.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "none, killed"}). Output:\n{output.Tail()}");
            await idp.DisposeAsync();
            if (!output.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                break;
            }
        }

        throw last!;
    }

    /// <summary>
    /// RFC 7662, as the client: whether the IdP still takes this token (a refresh token, say). OpenIddict counts
    /// introspecting a refresh token already rotated as its reuse: it then revokes every token of that login.
    /// </summary>
    public async Task<bool> IsActiveAsync(string token, CancellationToken cancellationToken = default)
    {
        using var response = await Http.PostAsync(Issuer + "connect/introspect", new FormUrlEncodedContent(
        [
            new("token", token),
            new("client_id", ClientId),
            new("client_secret", ClientSecret),
        ]), cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"introspection: {(int)response.StatusCode} {body}");
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("active").GetBoolean();
    }

    // The host announces itself once it has served its own first request; probing before that would pile cold
    // requests onto a server still compiling its pipeline.
    private async Task<bool> WaitUntilReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var exited = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var listening = Output.WaitForAsync("IdP listening on", timeout, exited.Token);
        if (await Task.WhenAny(listening, _process.Exited) != listening)
        {
            await exited.CancelAsync();
        }

        try
        {
            await listening;
        }
        catch (Exception e) when (e is TimeoutException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }

        return await HttpProbe.WaitForOkAsync(DiscoveryUri, TimeSpan.FromSeconds(10), () => _process.HasExited, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        _process.Output.Dispose();
    }

    private static Dictionary<string, string?> Environment(int port, OpenIddictIdpOptions options)
    {
        var environment = new Dictionary<string, string?>
        {
            ["OIDDICT_PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["OIDDICT_CLIENT_ID"] = options.ClientId,
            ["OIDDICT_CLIENT_SECRET"] = options.ClientSecret,
            ["OIDDICT_CLIENT_PUBLIC_KEY_PATH"] = options.ClientPublicKeyPath,
            ["DOTNET_NOLOGO"] = "1",
        };
        if (options.AccessTokenLifetime is { } lifetime)
        {
            environment["OIDDICT_ACCESS_TOKEN_TTL"] = ((long)Math.Ceiling(lifetime.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        foreach (var (key, value) in options.ExtraEnvironment)
        {
            environment[key] = value;
        }

        return environment;
    }

    // The dotnet that runs the tests: `dotnet test` says where it is.
    private static string DotnetHost()
    {
        var host = System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(host) && File.Exists(host) ? host : "dotnet";
    }
}
