using Bff.Tests.Integration.Infrastructure;
using Bff.Tests.Support;
using System.Net;
using StackExchange.Redis;

namespace Bff.Tests.Integration.Sessions;

/// <summary>
/// <c>Bff:Redis:KeyPrefix</c> puts every key of a deployment under its own prefix, so two deployments can share one
/// Redis: a login, its session and the Data Protection key ring all land under it, and nothing under the default;
/// and two deployments on one Redis, the same user signed in to both, never see each other's sessions.
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

    [Fact]
    public async Task TwoDeploymentsOnOneRedis_SameUser_NeitherSeesTheOthersSessions()
    {
        using var idp = new FakeOidcProvider();
        var subject = "alice-" + Guid.NewGuid().ToString("N")[..8];
        await using var first = await OidcGatewayHost.StartAsync(idp, redis: true, settings: Prefix("a" + Guid.NewGuid().ToString("N")[..8]));
        await using var second = await OidcGatewayHost.StartAsync(idp, redis: true, settings: Prefix("b" + Guid.NewGuid().ToString("N")[..8]));
        var onFirst = first.CreateBrowser();
        var onSecond = second.CreateBrowser();
        using (await first.LoginAsync(onFirst, subject, "sid-first"))
        using (await second.LoginAsync(onSecond, subject, "sid-second"))
        {
        }

        // The user's session index is per deployment: the second lists its own session only.
        using var listed = await onSecond.GetAsync("/bff/sessions", OidcGatewayHost.Xhr);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Single((await OidcGatewayHost.JsonAsync(listed)).EnumerateArray());
        // The first's cookie means nothing to the second (another key ring, another key space), and ending the
        // second's sessions leaves the first's alone.
        var firstCookieOnSecond = second.CreateBrowser();
        firstCookieOnSecond.Cookies.Set("__Host-bff", onFirst.Cookies.Get("__Host-bff")!);
        using var crossed = await firstCookieOnSecond.GetAsync("/bff/user", OidcGatewayHost.Xhr);
        Assert.Equal(HttpStatusCode.Unauthorized, crossed.StatusCode);
        using var revoked = await onSecond.PostAsync("/bff/sessions/revoke-others", null, await OidcGatewayHost.UnsafeHeadersAsync(onSecond));
        Assert.True(revoked.IsSuccessStatusCode);
        using var stillThere = await onFirst.GetAsync("/bff/user", OidcGatewayHost.Xhr);
        Assert.Equal(HttpStatusCode.OK, stillThere.StatusCode);
    }

    private static Dictionary<string, string?> Prefix(string prefix) => new() { ["Bff:Redis:KeyPrefix"] = prefix };
}
