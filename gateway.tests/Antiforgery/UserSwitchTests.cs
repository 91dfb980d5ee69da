using Bff.Tests.Support;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Bff.Tests.Antiforgery;

/// <summary>
/// One browser, two users: alice's token must die with alice's session, and nothing of alice may leak
/// into bob's. Sessions are created directly; the browser suite covers the same through the IdP.
/// </summary>
[Collection(InProcessHostCollection.Name)]
public sealed class UserSwitchTests : IClassFixture<ProxyGatewayFixture>
{
    private readonly ProxyGatewayFixture _gateway;

    public UserSwitchTests(ProxyGatewayFixture gateway)
    {
        _gateway = gateway;
    }

    [Fact]
    public async Task AliceLeaves_BobSignsInOnSameBrowser_AlicesTokenRefused_BobSeenEverywhere()
    {
        var alice = await _gateway.CreateSessionAsync("alice");
        var (aliceToken, antiforgeryCookie) = await _gateway.FetchTokenAsync(alice);
        var aliceCall = GatewayRequest.Browser("POST", "/api/orders", alice.Cookie, antiforgeryCookie) with { Token = aliceToken };
        Assert.Equal(HttpStatusCode.OK, (await _gateway.Client.SendAsync(aliceCall.ToMessage())).StatusCode);

        await alice.EndAsync(_gateway.Services);
        var bob = await _gateway.CreateSessionAsync("bob");
        _gateway.Upstream.ResetLogEntries();

        // The page still holds alice's token and the browser the same antiforgery cookie.
        var replay = aliceCall with { Cookies = [bob.Cookie, antiforgeryCookie] };
        var refused = await _gateway.Client.SendAsync(replay.ToMessage());
        await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Forbidden, "csrf");
        Assert.Empty(_gateway.Upstream.LogEntries);

        // Alice's own cookie no longer opens anything either.
        var stale = await _gateway.Client.SendAsync(aliceCall.ToMessage());
        await ProblemAssert.IsProblemAsync(stale, HttpStatusCode.Unauthorized, "session_expired");
        Assert.Empty(_gateway.Upstream.LogEntries);

        var user = await _gateway.Client.SendAsync(GatewayRequest.Browser("GET", "/bff/user", bob.Cookie, antiforgeryCookie).ToMessage());
        Assert.Equal(HttpStatusCode.OK, user.StatusCode);
        var body = await user.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("bob", body.GetProperty("sub").GetString());
        Assert.Equal(bob.Session.Id, body.GetProperty("session").GetProperty("id").GetString());
        Assert.DoesNotContain("alice", body.GetRawText(), StringComparison.Ordinal);

        var (bobToken, _) = await _gateway.FetchTokenAsync(bob, antiforgeryCookie);
        Assert.NotEqual(aliceToken, bobToken);
        var bobCall = GatewayRequest.Browser("POST", "/api/orders", bob.Cookie, antiforgeryCookie) with { Token = bobToken };
        Assert.Equal(HttpStatusCode.OK, (await _gateway.Client.SendAsync(bobCall.ToMessage())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _gateway.Client.SendAsync(GatewayRequest.Browser("GET", "/api/orders", bob.Cookie).ToMessage())).StatusCode);

        Assert.Equal(2, _gateway.Upstream.LogEntries.Count());
        foreach (var entry in _gateway.Upstream.LogEntries)
        {
            Assert.Equal("Bearer access-bob", Assert.Single(entry.RequestMessage.Headers!["Authorization"]));
        }
    }

    [Fact]
    public async Task NewLoginOfSameUser_OldTokenRefused_NewTokenAccepted()
    {
        var first = await _gateway.CreateSessionAsync("alice");
        var (oldToken, antiforgeryCookie) = await _gateway.FetchTokenAsync(first);
        await first.EndAsync(_gateway.Services);
        var second = await _gateway.CreateSessionAsync("alice");
        _gateway.Upstream.ResetLogEntries();

        var withOld = GatewayRequest.Browser("DELETE", "/api/orders/1", second.Cookie, antiforgeryCookie) with { Token = oldToken };
        await ProblemAssert.IsProblemAsync(await _gateway.Client.SendAsync(withOld.ToMessage()), HttpStatusCode.Forbidden, "csrf");
        Assert.Empty(_gateway.Upstream.LogEntries);

        var (newToken, _) = await _gateway.FetchTokenAsync(second, antiforgeryCookie);
        var withNew = withOld with { Token = newToken };
        Assert.Equal(HttpStatusCode.OK, (await _gateway.Client.SendAsync(withNew.ToMessage())).StatusCode);
        Assert.Single(_gateway.Upstream.LogEntries);
    }
}
