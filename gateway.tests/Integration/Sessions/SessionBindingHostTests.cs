using Bff.Redis;
using Bff.Tests.Integration.Infrastructure;
using Bff.Tests.Support;
using System.Net;
using StackExchange.Redis;

namespace Bff.Tests.Integration.Sessions;

/// <summary>
/// Someone who can write to Redis but not read the key ring copies a victim's session hash onto the key of
/// their own session: their own cookie must not sign them in as the victim.
/// </summary>
[Trait("Category", "Integration")]
[Collection(InProcessHostCollection.Name)]
public sealed class SessionBindingHostTests : IDisposable
{
    private readonly FakeOidcProvider _idp = new();

    public void Dispose() => _idp.Dispose();

    [Fact]
    public async Task SessionHashCopiedOntoAnotherSessionsKey_IsAnEndedSession_VictimUntouched()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp, redis: true);
        var (victim, victimBrowser) = await host.SeedSessionAsync(Unique("alice"));
        var (attacker, attackerBrowser) = await host.SeedSessionAsync(Unique("mallory"));
        using var _1 = victimBrowser;
        using var _2 = attackerBrowser;
        using var redis = await ConnectionMultiplexer.ConnectAsync((await SharedServers.GetRedisAsync()).ConnectionString);
        var db = redis.GetDatabase();

        await db.HashSetAsync(RedisKeys.Default.Session(attacker.Id), await db.HashGetAllAsync(RedisKeys.Default.Session(victim.Id)));
        using var response = await attackerBrowser.GetAsync("/bff/user", OidcGatewayHost.Xhr);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("session_expired", (await OidcGatewayHost.JsonAsync(response)).GetProperty("code").GetString());
        Assert.False(await db.KeyExistsAsync(RedisKeys.Default.Session(attacker.Id)));
        using var victims = await victimBrowser.GetAsync("/bff/user", OidcGatewayHost.Xhr);
        Assert.Equal(HttpStatusCode.OK, victims.StatusCode);
    }

    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];
}
