using Bff.Tests.Support;
using System.Net;

namespace Bff.Tests.Endpoints;

/// <summary>
/// The sessions API cases that rest on the session store (listing a user's sessions through its index, ending
/// one on every instance), run once per store: the in-memory one in <see cref="SessionsEndpointsTests"/>, Redis
/// under Integration/Endpoints.
/// </summary>
public abstract class SessionsEndpointsAcrossStores : IDisposable
{
    private const string Firefox = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0";
    private const string SafariIphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

    /// <summary>Whether the host keeps its sessions in the run's shared Redis rather than in memory.</summary>
    protected abstract bool UsesRedis { get; }

    private protected FakeOidcProvider Idp { get; } = new();

    public void Dispose() => Idp.Dispose();

    [Fact]
    public async Task List_ShowsOnlyTheCallersSessionsWithTheCurrentOneFirst()
    {
        await using var host = await OidcGatewayHost.StartAsync(Idp, UsesRedis);
        var alice = Unique("alice");
        var (laptop, laptopBrowser) = await host.SeedSessionAsync(alice, userAgent: Firefox);
        var (phone, phoneBrowser) = await host.SeedSessionAsync(alice, userAgent: SafariIphone);
        var (_, bobBrowser) = await host.SeedSessionAsync(Unique("bob"));
        using var _1 = laptopBrowser;
        using var _2 = phoneBrowser;
        using var _3 = bobBrowser;

        using var response = await phoneBrowser.GetAsync("/bff/sessions", OidcGatewayHost.Xhr);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var list = (await OidcGatewayHost.JsonAsync(response)).EnumerateArray().ToArray();
        Assert.Equal(2, list.Length);
        Assert.Equal(phone.Id, list[0].GetProperty("id").GetString());
        Assert.True(list[0].GetProperty("current").GetBoolean());
        Assert.Equal(laptop.Id, list[1].GetProperty("id").GetString());
        Assert.False(list[1].GetProperty("current").GetBoolean());
        var entry = list[1];
        Assert.Equal(Firefox, entry.GetProperty("userAgent").GetString());
        Assert.Equal("192.0.2.1", entry.GetProperty("ipAddress").GetString());
        // Redis keeps milliseconds.
        Assert.Equal(laptop.CreatedAt.ToUnixTimeMilliseconds(), entry.GetProperty("createdAt").GetDateTimeOffset().ToUnixTimeMilliseconds());
        Assert.Equal(laptop.LastSeenAt.ToUnixTimeMilliseconds(), entry.GetProperty("lastSeenAt").GetDateTimeOffset().ToUnixTimeMilliseconds());
        Assert.Equal(laptop.LastSeenAt.AddMinutes(30).ToUnixTimeMilliseconds(), entry.GetProperty("expiresAt").GetDateTimeOffset().ToUnixTimeMilliseconds());
        Assert.Equal("Firefox 128", entry.GetProperty("device").GetProperty("browser").GetString());
        Assert.Equal("Windows", entry.GetProperty("device").GetProperty("os").GetString());
        Assert.Equal("desktop", entry.GetProperty("device").GetProperty("type").GetString());
        Assert.Equal("mobile", list[0].GetProperty("device").GetProperty("type").GetString());
        Assert.DoesNotContain("token", (await response.Content.ReadAsStringAsync()).ToLowerInvariant().Replace("\"useragent\"", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_OwnOtherSession_204RevokesAndLeavesTheCallerAlone()
    {
        await using var host = await OidcGatewayHost.StartAsync(Idp, UsesRedis);
        var alice = Unique("alice");
        var (mine, myBrowser) = await host.SeedSessionAsync(alice);
        var (other, otherBrowser) = await host.SeedSessionAsync(alice, refreshToken: "rt-other");
        using var _1 = myBrowser;
        using var _2 = otherBrowser;

        using var response = await myBrowser.DeleteAsync("/bff/sessions/" + other.Id, await OidcGatewayHost.UnsafeHeadersAsync(myBrowser));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
        Assert.False(response.Headers.Contains("Clear-Site-Data"));
        Assert.False(await host.IsAliveAsync(other.Id));
        Assert.True(await host.IsAliveAsync(mine.Id));
        Assert.Contains(Idp.RevocationRequests, b => b.Contains("token=rt-other", StringComparison.Ordinal));
        Assert.DoesNotContain(Idp.Server.LogEntries, e => e.RequestMessage.Path == "/session/end");
        using var gone = await otherBrowser.GetAsync("/bff/user", OidcGatewayHost.Xhr);
        Assert.Equal(HttpStatusCode.Unauthorized, gone.StatusCode);
        Assert.Equal("session_expired", (await OidcGatewayHost.JsonAsync(gone)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Delete_AnotherUsersSession_404AndItLives()
    {
        await using var host = await OidcGatewayHost.StartAsync(Idp, UsesRedis);
        var (alice, aliceBrowser) = await host.SeedSessionAsync(Unique("alice"));
        var (_, bobBrowser) = await host.SeedSessionAsync(Unique("bob"));
        using var _1 = aliceBrowser;
        using var _2 = bobBrowser;

        using var response = await bobBrowser.DeleteAsync("/bff/sessions/" + alice.Id, await OidcGatewayHost.UnsafeHeadersAsync(bobBrowser));
        using var unknown = await bobBrowser.DeleteAsync("/bff/sessions/AAAAAAAAAAAAAAAAAAAAAA", await OidcGatewayHost.UnsafeHeadersAsync(bobBrowser));
        using var odd = await bobBrowser.DeleteAsync("/bff/sessions/%7Bx%7D", await OidcGatewayHost.UnsafeHeadersAsync(bobBrowser));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, odd.StatusCode);
        // The same answer for someone else's session as for none at all.
        Assert.Equal(await Problem(unknown), await Problem(response));
        Assert.True(await host.IsAliveAsync(alice.Id));
        Assert.Empty(Idp.RevocationRequests);
    }

    [Fact]
    public async Task RevokeOthers_EndsAllButTheCurrentOne()
    {
        await using var host = await OidcGatewayHost.StartAsync(Idp, UsesRedis);
        var alice = Unique("alice");
        var (mine, myBrowser) = await host.SeedSessionAsync(alice);
        var (second, b2) = await host.SeedSessionAsync(alice);
        var (third, b3) = await host.SeedSessionAsync(alice);
        var (bob, b4) = await host.SeedSessionAsync(Unique("bob"));
        using var _1 = myBrowser;
        using var _2 = b2;
        using var _3 = b3;
        using var _4 = b4;

        using var response = await myBrowser.PostAsync("/bff/sessions/revoke-others", null, await OidcGatewayHost.UnsafeHeadersAsync(myBrowser));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, (await OidcGatewayHost.JsonAsync(response)).GetProperty("revoked").GetInt32());
        Assert.True(await host.IsAliveAsync(mine.Id));
        Assert.False(await host.IsAliveAsync(second.Id));
        Assert.False(await host.IsAliveAsync(third.Id));
        Assert.True(await host.IsAliveAsync(bob.Id));
        // Their refresh tokens go to the IdP from the background queue.
        await Eventually.TrueAsync(() => Idp.RevocationRequests.Count == 2, TimeSpan.FromSeconds(10), "both refresh tokens to be revoked");
    }

    private static async Task<string> Problem(HttpResponseMessage response)
    {
        var problem = await OidcGatewayHost.JsonAsync(response);
        return problem.GetProperty("code").GetString() + "|" + problem.GetProperty("title").GetString();
    }

    protected static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];
}
