using Bff.Tests.Support;
using System.Globalization;

namespace Bff.Tests.Integration.Infrastructure;

/// <summary>
/// The dev IdP (infra/idp, oidc-provider) as a node process on 127.0.0.1 (or another loopback address). Users alice/alice and
/// bob/bob; its state (sessions, grants) lives in memory and is lost on <see cref="RestartAsync"/>.
/// </summary>
public sealed class DevIdp : IAsyncDisposable
{
    private readonly DevIdpOptions _options;
    private ChildProcess? _process;
    private bool _disposed;

    private DevIdp(int port, DevIdpOptions options)
    {
        Port = port;
        _options = options;
        Output = new ProcessOutput($"idp-{port}", TestRun.LogFilePath($"idp-{port}"));
    }

    public int Port { get; }

    /// <summary>No trailing slash, as in the discovery document; use it as Bff:Authority.</summary>
    public string Issuer => string.Create(CultureInfo.InvariantCulture, $"http://{_options.Host}:{Port}");

    public Uri DiscoveryUri => new($"{Issuer}/.well-known/openid-configuration");

    public string ClientId => _options.ClientId;

    public string ClientSecret => _options.ClientSecret;

    /// <summary>stdout and stderr of every start of this IdP.</summary>
    public ProcessOutput Output { get; }

    public int Pid => _process?.Pid ?? 0;

    public bool IsRunning => _process is { HasExited: false };

    internal bool IsShared { get; set; }

    public static async Task<DevIdp> StartAsync(DevIdpOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new DevIdpOptions();
        if (!File.Exists(Path.Combine(RepoPaths.IdpDirectory, "server.mjs")))
        {
            throw new InvalidOperationException($"The dev IdP is not in this checkout: {RepoPaths.IdpDirectory}/server.mjs is missing.");
        }

        await DevIdpPackages.RequireAsync();

        Exception? last = null;
        for (var attempt = 0; attempt < (options.Port is null ? 3 : 1); attempt++)
        {
            var idp = new DevIdp(options.Port ?? FreePort.Next(), options);
            try
            {
                await idp.LaunchAsync(cancellationToken);
                return idp;
            }
            catch (PortTakenException e)
            {
                last = e;
                await idp.DisposeAsync();
            }
            catch
            {
                await idp.DisposeAsync();
                throw;
            }
        }

        throw new InvalidOperationException("The dev IdP could not bind a free port.", last);
    }

    /// <summary>SIGKILL: the IdP becomes unreachable, as in an outage.</summary>
    public async Task KillAsync()
    {
        ThrowIfShared();
        if (_process is not null)
        {
            await _process.KillAsync();
        }
    }

    /// <summary>Starts it again on the same port, so the same issuer; in-memory state is gone.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfShared();
        await KillAsync();
        await LaunchAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (IsShared || _disposed)
        {
            return;
        }

        _disposed = true;
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        Output.Dispose();
    }

    private void ThrowIfShared()
    {
        if (IsShared)
        {
            throw new InvalidOperationException("This is the shared IdP of the test run; start a DevIdp of your own to kill or restart it.");
        }
    }

    private async Task LaunchAsync(CancellationToken cancellationToken)
    {
        var environment = new Dictionary<string, string?>
        {
            ["IDP_PORT"] = Port.ToString(CultureInfo.InvariantCulture),
            ["IDP_HOST"] = _options.Host,
            ["IDP_ISSUER"] = Issuer,
            ["IDP_CLIENT_ID"] = _options.ClientId,
            ["IDP_CLIENT_SECRET"] = _options.ClientSecret,
        };
        AddSeconds(environment, "IDP_ACCESS_TOKEN_TTL", _options.AccessTokenLifetime);
        AddSeconds(environment, "IDP_REFRESH_TOKEN_TTL", _options.RefreshTokenLifetime);
        AddSeconds(environment, "IDP_ID_TOKEN_TTL", _options.IdTokenLifetime);
        if (_options.BackchannelLogoutUri is not null)
        {
            environment["IDP_BACKCHANNEL_LOGOUT_URI"] = _options.BackchannelLogoutUri.ToString();
        }

        if (_options.ApiResource is not null)
        {
            environment["IDP_API_RESOURCE"] = _options.ApiResource;
        }

        foreach (var (key, value) in _options.ExtraEnvironment)
        {
            environment[key] = value;
        }

        _process = ChildProcess.Start("node", ["server.mjs"], RepoPaths.IdpDirectory, environment, Output, removePrefixes: ["IDP_"]);
        var process = _process;
        var ready = await HttpProbe.WaitForOkAsync(DiscoveryUri, _options.StartTimeout, () => process.HasExited, cancellationToken);
        if (ready)
        {
            return;
        }

        await process.KillAsync();
        if ((Output.Contains("EADDRINUSE") || Output.Contains("already in use")) && _options.Port is null)
        {
            throw new PortTakenException($"Port {Port} was taken.");
        }

        throw new InvalidOperationException(
            $"The dev IdP on port {Port} did not serve {DiscoveryUri} within {_options.StartTimeout} (exit code {process.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "none, killed"}). Output:\n{Output.Tail()}");
    }

    private static void AddSeconds(Dictionary<string, string?> environment, string key, TimeSpan? value)
    {
        if (value is { } v)
        {
            environment[key] = ((long)Math.Ceiling(v.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }
    }

    private sealed class PortTakenException(string message) : Exception(message);
}
