using Bff.Tests.Integration.Infrastructure;
using System.Net;
using System.Text.Json;
using StackExchange.Redis;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Bff.Tests.Integration.Redis;

/// <summary>A gateway whose <c>ConnectionStrings:Redis</c> names a Sentinel and a service, not the Redis itself.</summary>
[Trait("Category", "Integration")]
public sealed class RedisSentinelTests : IAsyncLifetime
{
    private static readonly KeyValuePair<string, string>[] Xhr = [new("X-CSRF", "1")];

    private RedisSentinelServer _sentinel = null!;
    private WireMockServer _upstream = null!;

    public async Task InitializeAsync()
    {
        _sentinel = await RedisSentinelServer.StartAsync();
        _upstream = WireMockServer.Start();
        _upstream.Given(Request.Create().UsingAnyMethod())
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("{}"));
    }

    public async Task DisposeAsync()
    {
        _upstream.Stop();
        await _sentinel.DisposeAsync();
    }

    [Fact]
    public async Task LoginProxyAndUser_ThroughSentinel_SessionLandsOnThePrimary()
    {
        var idp = await SharedServers.GetIdpAsync();
        var config = GatewayConfig.Create(idp, _sentinel.Primary, new Uri(_upstream.Url + "/"));
        config["ConnectionStrings:Redis"] = _sentinel.ConnectionString;
        await using var gateway = await GatewayProcess.StartAsync(config);
        using var browser = gateway.CreateBrowser();

        // Ready once the IdP's discovery document is loaded too, which the warm-up does soon after start.
        await Eventually.TrueAsync(async () =>
        {
            using var ready = await browser.GetAsync("/readyz");
            return ready.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(20), "/readyz to answer 200", TimeSpan.FromMilliseconds(100));

        using var login = await browser.LoginAsync("alice", "alice", "/");
        login.EnsureSuccess();
        using var proxied = await browser.GetAsync("/api/data", Xhr);
        Assert.Equal(HttpStatusCode.OK, proxied.StatusCode);
        using var user = await browser.GetAsync("/bff/user", Xhr);
        Assert.Equal(HttpStatusCode.OK, user.StatusCode);
        using var body = JsonDocument.Parse(await user.Content.ReadAsStringAsync());
        var sessionId = body.RootElement.GetProperty("session").GetProperty("id").GetString();

        using var primary = await ConnectionMultiplexer.ConnectAsync(_sentinel.Primary.ConnectionString);
        Assert.True(await primary.GetDatabase().KeyExistsAsync($"bff:s:{{{sessionId}}}"));
    }
}
