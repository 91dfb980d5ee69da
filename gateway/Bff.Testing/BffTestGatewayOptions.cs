using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bff.Testing;

/// <summary>What <see cref="BffTestGateway.StartAsync"/> boots: the team's gateway configuration and its upstreams.</summary>
public sealed class BffTestGatewayOptions
{
    private readonly Dictionary<string, Uri?> _upstreams = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The team's own gateway configuration (its appsettings: <c>Bff:*</c>, <c>ReverseProxy</c> routes, metadata
    /// and policies). The kit replaces the IdP (<c>Bff:Authority</c>, client id and secret), the session store
    /// (in memory) and the destinations of the clusters given to <see cref="MockUpstream"/> or <see cref="UseUpstream"/>.
    /// </summary>
    public IConfiguration? Configuration { get; set; }

    /// <summary>Single settings on top of <see cref="Configuration"/> (<c>"ReverseProxy:Routes:api:Match:Path"</c>, say).</summary>
    public IDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    /// <summary>Changes the gateway's services after the kit registered its own (a logger provider, say).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; set; }

    /// <summary>
    /// The test OpenID Provider the kit issues tokens on, for a test that needs its address before the gateway
    /// starts (the authority of a real API's JwtBearer); the test then disposes it. Null: the kit starts its own.
    /// </summary>
    public FakeOidcProvider? Provider { get; set; }

    /// <summary>The host environment; Development by default.</summary>
    public string EnvironmentName { get; set; } = "Development";

    /// <summary>The cluster's upstream is a WireMock server the kit starts (<see cref="BffTestGateway.Upstream"/>).</summary>
    /// <param name="clusterId">The YARP cluster id of the team's configuration.</param>
    public BffTestGatewayOptions MockUpstream(string clusterId)
    {
        ArgumentException.ThrowIfNullOrEmpty(clusterId);
        _upstreams[clusterId] = null;
        return this;
    }

    /// <summary>The cluster's upstream is a real server at <paramref name="address"/> (the team's API on a loopback port, say).</summary>
    /// <param name="clusterId">The YARP cluster id of the team's configuration.</param>
    /// <param name="address">The base address every destination of the cluster is rewritten to.</param>
    public BffTestGatewayOptions UseUpstream(string clusterId, Uri address)
    {
        ArgumentException.ThrowIfNullOrEmpty(clusterId);
        ArgumentNullException.ThrowIfNull(address);
        _upstreams[clusterId] = address;
        return this;
    }

    internal IReadOnlyDictionary<string, Uri?> Upstreams => _upstreams;
}
