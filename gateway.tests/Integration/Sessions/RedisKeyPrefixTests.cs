using Bff.Tests.Integration.Infrastructure;
using Bff.Tests.Support;
using System.Net;
using StackExchange.Redis;

namespace Bff.Tests.Integration.Sessions;

/// <summary>
/// <c>Bff:Redis:KeyPrefix</c> puts every key of a deployment under its own prefix, so two deployments can share one
/// Redis: a login, its session and the Data Protection key ring all land under it, and nothing under the default.
/// </summary>
[Trait("Category", "Integration")]
public sealed class RedisKeyPrefixTests
{
    [Fact]
    public async Task Login_WithPrefix_KeysUnderThePrefixOnly()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..8];
        using var idp = new FakeOidcProvider();
        await using var host = await OidcGatewayHost.StartAsync(idp, redis: true, settings: new Dictionary<string, string?> { ["Bff:Redis:KeyPrefix"] = prefix });
        var browser = host.CreateBrowser();

        using var login = await host.LoginAsync(browser, "alice", "sid-prefix");
        using var user = await browser.GetAsync("/bff/user", OidcGatewayHost.Xhr);

        Assert.Equal(HttpStatusCode.Found, login.StatusCode);
        Assert.Equal(HttpStatusCode.OK, user.StatusCode);
        var sessionId = (await OidcGatewayHost.JsonAsync(user)).GetProperty("session").GetProperty("id").GetString();
        await using var redis = await ConnectionMultiplexer.ConnectAsync((await SharedServers.GetRedisAsync()).ConnectionString);
        var db = redis.GetDatabase();
        Assert.True(await db.KeyExistsAsync($"{prefix}:s:{{{sessionId}}}"));
        Assert.False(await db.KeyExistsAsync($"bff:s:{{{sessionId}}}"));
        Assert.True(await db.KeyExistsAsync($"{prefix}:dp:keys"));
    }
}
