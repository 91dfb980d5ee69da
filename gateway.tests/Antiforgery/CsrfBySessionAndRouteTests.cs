using System.Net;

namespace Bff.Tests.Antiforgery;

/// <summary>
/// What the CSRF check asks of an unsafe request beyond the matrix's rows: it follows the session (an ended one is
/// expired, not forged; a user-optional route needs a token only once there is a session) and the site (same-site
/// from the public origin is the SPA itself).
/// </summary>
[Collection(InProcessHostCollection.Name)]
public sealed class CsrfBySessionAndRouteTests : IClassFixture<ProxyGatewayFixture>
{
    private readonly ProxyGatewayFixture _gateway;

    public CsrfBySessionAndRouteTests(ProxyGatewayFixture gateway)
    {
        _gateway = gateway;
    }

    [Fact]
    public async Task UnsafeMethod_EndedSessionWithItsOldToken_401SessionExpired_NotCsrf()
    {
        var alice = await _gateway.CreateSessionAsync("alice");
        var (token, antiforgeryCookie) = await _gateway.FetchTokenAsync(alice);
        await alice.EndAsync(_gateway.Services);
        _gateway.Upstream.ResetLogEntries();

        var response = await _gateway.Client.SendAsync(
            (GatewayRequest.Browser("POST", "/api/orders", alice.Cookie, antiforgeryCookie) with { Token = token }).ToMessage());

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "session_expired");
        Assert.Empty(_gateway.Upstream.LogEntries);
    }

    [Fact]
    public async Task UnsafeMethod_AnonymousOnUserOptionalRoute_NeedsNoToken_ForwardedWithoutCredentials()
    {
        _gateway.Upstream.ResetLogEntries();

        var response = await _gateway.Client.SendAsync(GatewayRequest.Browser("POST", "/open/feedback").ToMessage());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var forwarded = Assert.Single(_gateway.Upstream.LogEntries).RequestMessage;
        Assert.False(forwarded.Headers!.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task UnsafeMethod_SessionOnUserOptionalRoute_StillNeedsToken()
    {
        var alice = await _gateway.CreateSessionAsync("alice");
        _gateway.Upstream.ResetLogEntries();

        var response = await _gateway.Client.SendAsync(GatewayRequest.Browser("POST", "/open/feedback", alice.Cookie).ToMessage());

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "csrf");
        Assert.Empty(_gateway.Upstream.LogEntries);
    }

    [Fact]
    public async Task UnsafeMethod_SameSiteWithThePublicOrigin_ReachesUpstream()
    {
        var alice = await _gateway.CreateSessionAsync("alice");
        var (token, antiforgeryCookie) = await _gateway.FetchTokenAsync(alice);
        _gateway.Upstream.ResetLogEntries();
        var request = GatewayRequest.Browser("POST", "/api/orders", alice.Cookie, antiforgeryCookie) with { Token = token, FetchSite = "same-site" };

        var response = await _gateway.Client.SendAsync(request.ToMessage());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(_gateway.Upstream.LogEntries);
    }

    [Fact]
    public async Task UnsafeMethod_AfterItsPairPassed_AnAlteredTokenOrAnotherBrowsersCookie_StillRefused()
    {
        var alice = await _gateway.CreateSessionAsync("alice");
        var (token, antiforgeryCookie) = await _gateway.FetchTokenAsync(alice);
        var (_, otherBrowsersCookie) = await _gateway.FetchTokenAsync(alice);
        var valid = GatewayRequest.Browser("POST", "/api/orders", alice.Cookie, antiforgeryCookie) with { Token = token };
        Assert.Equal(HttpStatusCode.OK, (await _gateway.Client.SendAsync(valid.ToMessage())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _gateway.Client.SendAsync(valid.ToMessage())).StatusCode);
        _gateway.Upstream.ResetLogEntries();

        var altered = valid with { Token = token[..10] + (token[10] == 'A' ? 'B' : 'A') + token[11..] };
        await ProblemAssert.IsProblemAsync(await _gateway.Client.SendAsync(altered.ToMessage()), HttpStatusCode.Forbidden, "csrf");
        var otherCookie = GatewayRequest.Browser("POST", "/api/orders", alice.Cookie, otherBrowsersCookie) with { Token = token };
        await ProblemAssert.IsProblemAsync(await _gateway.Client.SendAsync(otherCookie.ToMessage()), HttpStatusCode.Forbidden, "csrf");
        Assert.Empty(_gateway.Upstream.LogEntries);
    }
}
