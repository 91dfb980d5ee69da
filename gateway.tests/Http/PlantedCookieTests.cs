using Bff.Tests.Support;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Bff.Tests.Http;

/// <summary>
/// A sibling subdomain (or any plain-http page of the registrable domain) sets a cookie whose value holds a
/// comma: <c>Set-Cookie: t=x,__Host-bff=v; Domain=example.com</c>, and the browser sends <c>t=x,__Host-bff=v</c>.
/// That is one cookie named <c>t</c>: it neither signs a browser in nor locks a signed-in user out, whether
/// it carries a session cookie or an antiforgery cookie.
/// </summary>
[Collection(InProcessHostCollection.Name)]
public sealed class PlantedCookieTests : IClassFixture<ProxyGatewayFixture>
{
    private readonly ProxyGatewayFixture _gateway;

    public PlantedCookieTests(ProxyGatewayFixture gateway)
    {
        _gateway = gateway;
    }

    [Theory]
    [InlineData("t=x,")]
    [InlineData("t=x, ")]
    public async Task PlantedSessionCookie_DoesNotSignTheBrowserIn(string prefix)
    {
        var mallory = await _gateway.CreateSessionAsync("mallory");
        var planted = prefix + mallory.Cookie;
        _gateway.Upstream.ResetLogEntries();

        var user = await _gateway.Client.SendAsync(GatewayRequest.Browser("GET", "/bff/user", planted).ToMessage());
        var proxied = await _gateway.Client.SendAsync(GatewayRequest.Browser("GET", "/api/orders", planted).ToMessage());

        await ProblemAssert.IsProblemAsync(user, HttpStatusCode.Unauthorized, "unauthenticated");
        await ProblemAssert.IsProblemAsync(proxied, HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Empty(_gateway.Upstream.LogEntries);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task PlantedSessionCookie_SignedInUserIsServedAndCanLogOut(bool plantedFirst)
    {
        var mallory = await _gateway.CreateSessionAsync("mallory");
        var alice = await _gateway.CreateSessionAsync("alice");
        var planted = "t=x," + mallory.Cookie;
        var browser = alice with { Cookie = plantedFirst ? planted + "; " + alice.Cookie : alice.Cookie + "; " + planted };

        var user = await _gateway.Client.SendAsync(GatewayRequest.Browser("GET", "/bff/user", browser.Cookie).ToMessage());
        Assert.Equal(HttpStatusCode.OK, user.StatusCode);
        Assert.Equal("alice", (await user.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sub").GetString());

        var (token, antiforgeryCookie) = await _gateway.FetchTokenAsync(browser);
        var logout = await _gateway.Client.SendAsync(
            (GatewayRequest.Browser("POST", "/bff/logout", browser.Cookie, antiforgeryCookie) with { Token = token }).ToMessage());

        Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        var after = await _gateway.Client.SendAsync(GatewayRequest.Browser("GET", "/bff/user", alice.Cookie).ToMessage());
        await ProblemAssert.IsProblemAsync(after, HttpStatusCode.Unauthorized, "session_expired");
        // Only the session the browser really holds ended.
        var other = await _gateway.Client.SendAsync(GatewayRequest.Browser("GET", "/bff/user", mallory.Cookie).ToMessage());
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task PlantedAntiforgeryCookie_GenuineUnsafeRequestStillPasses(bool plantedFirst)
    {
        var mallory = await _gateway.CreateSessionAsync("mallory");
        var (_, malloryCookie) = await _gateway.FetchTokenAsync(mallory);
        var alice = await _gateway.CreateSessionAsync("alice");
        var (token, antiforgeryCookie) = await _gateway.FetchTokenAsync(alice);
        var planted = "t=x," + malloryCookie;
        string[] cookies = plantedFirst ? [planted, alice.Cookie, antiforgeryCookie] : [alice.Cookie, antiforgeryCookie, planted];
        _gateway.Upstream.ResetLogEntries();

        var post = await _gateway.Client.SendAsync(
            (GatewayRequest.Browser("POST", "/api/orders", cookies) with { Token = token }).ToMessage());

        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Single(_gateway.Upstream.LogEntries);
    }

    // Antiforgery reads its cookie through the framework's parser, which drops a pair holding a comma. The
    // planted copy holds the user's own antiforgery cookie, so only how the header is split can decide.
    [Fact]
    public async Task PlantedAntiforgeryCookie_IsNotTheAntiforgeryCookie()
    {
        var alice = await _gateway.CreateSessionAsync("alice");
        var (token, antiforgeryCookie) = await _gateway.FetchTokenAsync(alice);
        _gateway.Upstream.ResetLogEntries();

        var post = await _gateway.Client.SendAsync(
            (GatewayRequest.Browser("POST", "/api/orders", alice.Cookie, "t=x," + antiforgeryCookie) with { Token = token }).ToMessage());

        await ProblemAssert.IsProblemAsync(post, HttpStatusCode.Forbidden, "csrf");
        Assert.Empty(_gateway.Upstream.LogEntries);
    }

    [Fact]
    public async Task PlantedAntiforgeryCookie_NotReusedForANewToken()
    {
        var mallory = await _gateway.CreateSessionAsync("mallory");
        var (_, malloryCookie) = await _gateway.FetchTokenAsync(mallory);
        var alice = await _gateway.CreateSessionAsync("alice");

        var response = await _gateway.Client.SendAsync(
            GatewayRequest.Browser("GET", "/bff/csrf", alice.Cookie, "t=x," + malloryCookie).ToMessage());

        // A new antiforgery cookie is issued, and the token pairs with it.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var issued = Assert.Single(response.Headers.GetValues("Set-Cookie")).Split(';', 2)[0];
        Assert.NotEqual(malloryCookie, issued);
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        var post = await _gateway.Client.SendAsync(
            (GatewayRequest.Browser("POST", "/api/orders", alice.Cookie, issued) with { Token = token }).ToMessage());
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
    }
}
