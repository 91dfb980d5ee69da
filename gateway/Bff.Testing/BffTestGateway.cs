using Bff.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WireMock.Server;

namespace Bff.Testing;

/// <summary>
/// The real gateway in-process, booted from the library's stock composition (<see cref="BffStockHost"/>, as the
/// stock host runs it) with the team's own configuration, the in-memory session store, the kit's token issuer
/// for IdP and a clock the test moves. Its upstreams are WireMock servers the kit starts or the team's real
/// servers. Browsers sign in through the same login as in production (<see cref="SignInAsync"/>).
/// </summary>
public sealed partial class BffTestGateway : IAsyncDisposable
{
    private const string DefaultOrigin = "https://localhost";

    private readonly WebApplication _app;
    private readonly Dictionary<string, WireMockServer> _upstreams;

    private readonly bool _ownsProvider;

    private BffTestGateway(WebApplication app, FakeOidcProvider provider, bool ownsProvider, TestTokenIssuer issuer, FakeTimeProvider time, Uri origin, Dictionary<string, WireMockServer> upstreams)
    {
        _app = app;
        _ownsProvider = ownsProvider;
        Provider = provider;
        Issuer = issuer;
        Time = time;
        Origin = origin;
        _upstreams = upstreams;
    }

    /// <summary>The test OpenID Provider: its <see cref="FakeOidcProvider.Issuer"/> is the authority a real API's JwtBearer points at.</summary>
    public FakeOidcProvider Provider { get; }

    /// <summary>The token issuer on <see cref="Provider"/>: audiences, lifetimes, refresh failures.</summary>
    public TestTokenIssuer Issuer { get; }

    /// <summary>The gateway's clock (its <see cref="TimeProvider"/>): advance it to expire tokens and sessions.</summary>
    public FakeTimeProvider Time { get; }

    /// <summary>The gateway's origin as browsers see it: <c>Bff:PublicOrigin</c>, or <c>https://localhost</c>.</summary>
    public Uri Origin { get; }

    /// <summary>The gateway's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Boots the gateway.</summary>
    /// <param name="configure">The team's configuration and upstreams.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <exception cref="InvalidOperationException">The configuration is invalid; the message names the keys.</exception>
    public static async Task<BffTestGateway> StartAsync(Action<BffTestGatewayOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        var options = new BffTestGatewayOptions();
        configure?.Invoke(options);
        var ownsProvider = options.Provider is null;
        var provider = options.Provider ?? new FakeOidcProvider();
        var upstreams = new Dictionary<string, WireMockServer>(StringComparer.OrdinalIgnoreCase);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        WebApplication? app = null;
        try
        {
            var issuer = provider.IssueTokens();
            // An empty builder: nothing of the test process's own appsettings, environment variables or command line
            // reaches the gateway, only what the test hands the kit.
            var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { EnvironmentName = options.EnvironmentName });
            builder.WebHost.UseTestServer();
            builder.Services.AddLogging();
            if (options.Configuration is not null)
            {
                builder.Configuration.AddConfiguration(options.Configuration);
            }

            builder.Configuration.AddInMemoryCollection(options.Settings);
            builder.Configuration.AddInMemoryCollection(KitSettings(builder.Configuration, provider, options, upstreams));
            // Before the gateway's services, which add the system clock only when the host has none.
            builder.Services.AddSingleton<TimeProvider>(time);
            builder.AddBffStockHost(bff => bff.AddInMemorySessions());
            options.ConfigureServices?.Invoke(builder.Services);

            app = builder.Build();
            app.UseBffStockHost();
            var origin = new Uri(builder.Configuration["Bff:PublicOrigin"] is { Length: > 0 } configured ? configured : DefaultOrigin);
            app.GetTestServer().BaseAddress = origin;
            await app.StartAsync(cancellationToken);
            return new BffTestGateway(app, provider, ownsProvider, issuer, time, origin, upstreams);
        }
        catch (Exception ex)
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }

            DisposeServers(ownsProvider ? provider : null, upstreams);
            if (BffConfigurationError.TryDescribe(ex, out var problems))
            {
                throw new InvalidOperationException("The gateway's configuration is invalid:" + Environment.NewLine + problems, ex);
            }

            throw;
        }
    }

    /// <summary>The WireMock server standing for cluster <paramref name="clusterId"/>'s upstream (<see cref="BffTestGatewayOptions.MockUpstream"/>).</summary>
    public WireMockServer Upstream(string clusterId) =>
        _upstreams.TryGetValue(clusterId, out var server)
            ? server
            : throw new ArgumentException($"Cluster '{clusterId}' has no mocked upstream: call MockUpstream(\"{clusterId}\") on the options.", nameof(clusterId));

    /// <summary>What cluster <paramref name="clusterId"/>'s mocked upstream received, oldest first.</summary>
    public IReadOnlyList<UpstreamRequest> ReceivedBy(string clusterId) =>
        [.. Upstream(clusterId).LogEntries.OrderBy(e => e.RequestMessage.DateTime).Select(e => new UpstreamRequest(e))];

    /// <summary>Stops the gateway, the upstreams it started and the token issuer.</summary>
    public async ValueTask DisposeAsync()
    {
        // The IdP client's resilience pipeline waits out calls in flight on the gateway's clock, which only the
        // kit moves: the clock is moved while the host stops.
        var disposing = _app.DisposeAsync().AsTask();
        for (var i = 0; i < 100 && !disposing.IsCompleted; i++)
        {
            await Task.WhenAny(disposing, Task.Delay(TimeSpan.FromMilliseconds(10)));
            Time.Advance(TimeSpan.FromSeconds(1));
        }

        await disposing;
        DisposeServers(_ownsProvider ? Provider : null, _upstreams);
    }

    private static Dictionary<string, string?> KitSettings(IConfiguration configuration, FakeOidcProvider provider, BffTestGatewayOptions options, Dictionary<string, WireMockServer> upstreams)
    {
        // The client ids stay the team's (the issuer answers any); secrets and keys are the deployment's, not the test's.
        var settings = new Dictionary<string, string?>
        {
            ["Bff:Authority"] = provider.Issuer,
            ["Bff:ClientSecret"] = "bff-testing-secret",
            ["Bff:ClientAuthentication"] = "client_secret_post",
            ["Bff:RequireHttpsMetadata"] = "false",
            ["Bff:Session:AllowInMemoryStore"] = "true",
        };
        // A configuration of no client at all gets the provider's, so a test can start from routes alone.
        if (string.IsNullOrEmpty(configuration["Bff:ClientId"]) && !configuration.GetSection("Bff:Frontends").Exists())
        {
            settings["Bff:ClientId"] = FakeOidcProvider.ClientId;
        }

        foreach (var frontend in configuration.GetSection("Bff:Frontends").GetChildren())
        {
            settings[$"Bff:Frontends:{frontend.Key}:ClientSecret"] = "bff-testing-secret";
            settings[$"Bff:Frontends:{frontend.Key}:ClientAuthentication"] = "client_secret_post";
        }
        foreach (var (clusterId, address) in options.Upstreams)
        {
            var cluster = configuration.GetSection("ReverseProxy:Clusters:" + clusterId);
            if (!cluster.Exists())
            {
                throw new ArgumentException($"ReverseProxy:Clusters:{clusterId} is not in the gateway's configuration.", nameof(options));
            }

            var target = address;
            if (target is null)
            {
                var server = WireMockServer.Start();
                upstreams[clusterId] = server;
                target = new Uri(server.Url! + "/");
            }

            // Every destination of the team's cluster goes to the one upstream, so no request escapes to a real address.
            var destinations = cluster.GetSection("Destinations").GetChildren().Select(d => d.Key).DefaultIfEmpty("kit");
            foreach (var destination in destinations)
            {
                settings[$"ReverseProxy:Clusters:{clusterId}:Destinations:{destination}:Address"] = target.ToString();
            }
        }

        return settings;
    }

    private static void DisposeServers(FakeOidcProvider? provider, Dictionary<string, WireMockServer> upstreams)
    {
        foreach (var server in upstreams.Values)
        {
            server.Stop();
            server.Dispose();
        }

        provider?.Dispose();
    }
}
