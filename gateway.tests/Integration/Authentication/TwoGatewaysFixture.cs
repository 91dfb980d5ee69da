using Bff.Tests.Integration.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Bff.Tests.Integration.Authentication;

/// <summary>Two gateway processes sharing the run's Redis and dev IdP, in front of one WireMock upstream.</summary>
public sealed class TwoGatewaysFixture : IAsyncLifetime
{
    public WireMockServer Upstream { get; private set; } = null!;

    public SharedServers Servers { get; private set; } = null!;

    public GatewayProcess First { get; private set; } = null!;

    public GatewayProcess Second { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Upstream = WireMockServer.Start();
        Upstream.Given(Request.Create().UsingAnyMethod())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("{\"ok\":true}"));
        Servers = await SharedServers.GetAsync();
        var config = GatewayConfig.Create(Servers.Idp, Servers.Redis, new Uri(Upstream.Url + "/"));
        config["ReverseProxy:Routes:svc:ClusterId"] = "api";
        config["ReverseProxy:Routes:svc:Match:Path"] = "/svc/{**catch-all}";
        config["ReverseProxy:Routes:svc:Metadata:Bff.AccessToken"] = "Client";
        var started = await Task.WhenAll(GatewayProcess.StartAsync(config), GatewayProcess.StartAsync(config));
        (First, Second) = (started[0], started[1]);
    }

    public async Task DisposeAsync()
    {
        await First.DisposeAsync();
        await Second.DisposeAsync();
        Upstream.Stop();
    }
}
