using Bff.Tests.Integration.Infrastructure;
using Bff.Tests.Support;
using System.Net;
using System.Text.Json;
using static Bff.Tests.Support.OidcGatewayHost;
using static Bff.Tests.Integration.Lifecycle.LifecycleGateways;

namespace Bff.Tests.Integration.Lifecycle;

/// <summary>
/// The sessions API across two instances, with a Redis of the test's own (the shared one holds other
/// tests' sessions of the same users) and the dev IdP.
/// </summary>
[Trait("Category", "Integration")]
public sealed class SessionsApiTests
{
    private const string IphoneSafari = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

    [Fact]
    public async Task TwoLoginsOfAlice_ListedRevokeOthersEndsTheSecondOnly_BobSeesAndEndsNothing()
    {
        var idp = await SharedServers.GetIdpAsync();
        await using var redis = await RedisServer.StartAsync();
        var config = Config(idp, redis);
        await using var a = await GatewayProcess.StartAsync(config);
        await using var b = await GatewayProcess.StartAsync(config);
        await Task.WhenAll(WaitForSessionCacheAsync(a), WaitForSessionCacheAsync(b));
        using var stored = new StoredSessions(redis);
        using var laptop = await LoggedInAsync(a, "alice");
        using var phone = await LoggedInAsync(b, "alice", IphoneSafari);
        using var bob = await LoggedInAsync(a, "bob");
        using var phoneOnA = phone.WithBaseAddress(a.BaseAddress);
        var laptopId = await SessionIdAsync(laptop);
        var phoneId = await SessionIdAsync(phone);
        var bobId = await SessionIdAsync(bob);
        Assert.Equal(HttpStatusCode.OK, (await UserAsync(phoneOnA)).Status);

        var listed = await SessionsAsync(laptop);

        Assert.Equal(2, listed.Length);
        Assert.Equal([laptopId, phoneId], listed.Select(s => s.GetProperty("id").GetString()));
        Assert.Equal([true, false], listed.Select(s => s.GetProperty("current").GetBoolean()));
        var phoneEntry = listed[1];
        Assert.Equal(IphoneSafari, phoneEntry.GetProperty("userAgent").GetString());
        Assert.Equal("127.0.0.1", phoneEntry.GetProperty("ipAddress").GetString());
        Assert.Equal("iOS", phoneEntry.GetProperty("device").GetProperty("os").GetString());
        Assert.Equal("mobile", phoneEntry.GetProperty("device").GetProperty("type").GetString());
        Assert.True(phoneEntry.GetProperty("expiresAt").GetDateTimeOffset() > phoneEntry.GetProperty("lastSeenAt").GetDateTimeOffset());
        Assert.True(phoneEntry.GetProperty("lastSeenAt").GetDateTimeOffset() >= phoneEntry.GetProperty("createdAt").GetDateTimeOffset());

        // Bob sees his own session only, and cannot end alice's: the answer is the one for no session at all.
        var bobsList = await SessionsAsync(bob);
        Assert.Equal([bobId], bobsList.Select(s => s.GetProperty("id").GetString()));
        using (var bobDeletes = await bob.DeleteAsync("/bff/sessions/" + phoneId, await UnsafeHeadersAsync(bob)))
        {
            Assert.Equal(HttpStatusCode.NotFound, bobDeletes.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await UserAsync(phone)).Status);

        var phoneRefreshToken = (await stored.TokensAsync(phoneId))!.RefreshToken!;
        var laptopRefreshToken = (await stored.TokensAsync(laptopId))!.RefreshToken!;
        using var revoke = await laptop.PostAsync("/bff/sessions/revoke-others", null, await UnsafeHeadersAsync(laptop));

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        using (var body = JsonDocument.Parse(await revoke.Content.ReadAsStringAsync()))
        {
            Assert.Equal(1, body.RootElement.GetProperty("revoked").GetInt32());
        }

        // Gone on both instances (b had it cached), while the laptop's and bob's sessions go on.
        await WaitForSessionExpiredAsync([phone, phoneOnA]);
        Assert.Equal(HttpStatusCode.OK, (await UserAsync(laptop)).Status);
        Assert.Equal(HttpStatusCode.OK, (await UserAsync(bob)).Status);
        Assert.Equal([laptopId], (await SessionsAsync(laptop)).Select(s => s.GetProperty("id").GetString()));
        await IdpIntrospection.BecomesInactiveAsync(idp, phoneRefreshToken);
        Assert.True(await IdpIntrospection.IsActiveAsync(idp, laptopRefreshToken));
        Assert.False(phone.Cookies.LastSetCookie("__Host-bff")!.IsDeletion(DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task DeleteOneSession_204OnlyThatOneEndsAndItsRefreshTokenIsRevoked()
    {
        var idp = await SharedServers.GetIdpAsync();
        await using var redis = await RedisServer.StartAsync();
        var config = GatewayConfig.Create(idp, redis);
        await using var a = await GatewayProcess.StartAsync(config);
        using var stored = new StoredSessions(redis);
        using var laptop = await LoggedInAsync(a, "alice");
        using var phone = await LoggedInAsync(a, "alice");
        var phoneId = await SessionIdAsync(phone);
        var phoneRefreshToken = (await stored.TokensAsync(phoneId))!.RefreshToken!;

        using var delete = await laptop.DeleteAsync("/bff/sessions/" + phoneId, await UnsafeHeadersAsync(laptop));

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.False(delete.Headers.Contains("Set-Cookie"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await UserAsync(phone)).Status);
        Assert.Equal(HttpStatusCode.OK, (await UserAsync(laptop)).Status);
        Assert.False(await IdpIntrospection.IsActiveAsync(idp, phoneRefreshToken));
        using var again = await laptop.DeleteAsync("/bff/sessions/" + phoneId, await UnsafeHeadersAsync(laptop));
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task IpAddress_ForwardedForBelievedOnlyFromAConfiguredProxy()
    {
        var idp = await SharedServers.GetIdpAsync();
        await using var redis = await RedisServer.StartAsync();
        var behindProxy = GatewayConfig.Create(idp, redis);
        behindProxy["Bff:ForwardedHeaders:KnownProxies:0"] = "127.0.0.1";
        await using var trusting = await GatewayProcess.StartAsync(behindProxy);
        await using var plain = await GatewayProcess.StartAsync(GatewayConfig.Create(idp, redis));
        KeyValuePair<string, string>[] forwarded = [new("X-Forwarded-For", "203.0.113.7")];

        using var viaProxy = await LoggedInAsync(trusting, "alice", headers: forwarded);
        using var spoofing = await LoggedInAsync(plain, "bob", headers: forwarded);

        Assert.Equal("203.0.113.7", (await SessionsAsync(viaProxy)).Single().GetProperty("ipAddress").GetString());
        Assert.Equal("127.0.0.1", (await SessionsAsync(spoofing)).Single().GetProperty("ipAddress").GetString());
    }
}
