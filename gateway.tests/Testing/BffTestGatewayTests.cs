using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Bff.Configuration;

namespace Bff.Tests.Testing;

/// <summary>The kit's gateway: what it replaces in a team's configuration, and how it refuses a wrong one.</summary>
public sealed class BffTestGatewayTests
{
    private static void Routes(BffTestGatewayOptions options)
    {
        options.Settings["ReverseProxy:Routes:api:ClusterId"] = "api";
        options.Settings["ReverseProxy:Routes:api:Match:Path"] = "/api/{**rest}";
        options.Settings["ReverseProxy:Clusters:api:Destinations:a:Address"] = "https://a.invalid/";
        options.Settings["ReverseProxy:Clusters:api:Destinations:b:Address"] = "https://b.invalid/";
        options.Settings["Bff:Authority"] = "https://login.invalid";
    }

    [Fact]
    public async Task SignInAsync_ThroughTheRealLogin_EveryDestinationGoesToTheMock()
    {
        await using var gateway = await BffTestGateway.StartAsync(options => Routes(options.MockUpstream("api")));
        gateway.Upstream("api").Given(WireMock.RequestBuilders.Request.Create().UsingGet())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(200));

        using var browser = await gateway.SignInAsync("alice");
        for (var i = 0; i < 4; i++)
        {
            using var response = await browser.GetAsync("api/x");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(4, gateway.ReceivedBy("api").Count);
        Assert.Equal(gateway.Provider.Issuer, gateway.Services.GetRequiredService<IOptions<BffOptions>>().Value.Authority);
        Assert.Single(gateway.Provider.Server.LogEntries, e => e.RequestMessage.Path == "/authorize");
    }

    [Fact]
    public async Task StartAsync_InvalidConfiguration_NamesTheKey()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            BffTestGateway.StartAsync(options => options.Settings["Bff:PublicOrigin"] = "not an origin"));

        Assert.Contains("PublicOrigin", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_ClusterNotConfigured_ArgumentException() =>
        await Assert.ThrowsAsync<ArgumentException>(() => BffTestGateway.StartAsync(options => options.MockUpstream("nope")));

    [Fact]
    public async Task SignInAsync_FrontendNotConfigured_ArgumentException()
    {
        await using var gateway = await BffTestGateway.StartAsync(Routes);

        await Assert.ThrowsAsync<ArgumentException>(() => gateway.SignInAsync("alice", frontend: "admin"));
    }
}
