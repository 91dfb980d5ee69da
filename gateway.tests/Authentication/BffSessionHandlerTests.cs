using Bff.Idp;
using System.Net;
using Microsoft.Extensions.Time.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Bff.Tests.Authentication;

/// <summary>
/// Sessions signed in from token responses as IdPs write them: <c>expires_in</c> as a string or left out, no refresh
/// token (offline access not granted), opaque access tokens. Each login, then proxied calls on a fake clock.
/// </summary>
[Collection(InProcessHostCollection.Name)]
public sealed class BffSessionHandlerTests : IDisposable
{
    private readonly FakeOidcProvider _idp = new();
    private readonly WireMockServer _upstream = WireMockServer.Start();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    public BffSessionHandlerTests() =>
        _upstream.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200));

    public void Dispose()
    {
        _upstream.Stop();
        _idp.Dispose();
    }

    [Fact]
    public async Task ExpiresInAsString_IsTheTokensLifetime()
    {
        await using var host = await StartAsync();
        using var browser = host.CreateBrowser();
        using var login = await _idp.LoginAsync(browser, "alice", "sid-1", changeTokenResponse: body => body["expires_in"] = "3600");

        Assert.Equal(HttpStatusCode.Found, login.StatusCode);
        var session = await StoredSessionAsync(host, browser);
        Assert.Equal(_time.GetUtcNow().AddSeconds(3600), session.Tokens.AccessTokenExpiresAt);
    }

    [Fact]
    public async Task ExpiresInLeftOut_TheDefaultLifetime_NoRefreshRightAfterLogin()
    {
        await using var host = await StartAsync();
        using var browser = host.CreateBrowser();
        using var login = await _idp.LoginAsync(browser, "alice", "sid-1", changeTokenResponse: body => body.Remove("expires_in"));

        Assert.Equal(HttpStatusCode.Found, login.StatusCode);
        var session = await StoredSessionAsync(host, browser);
        Assert.Equal(_time.GetUtcNow() + AccessTokenLifetime.Default, session.Tokens.AccessTokenExpiresAt);
        using var api = await browser.GetAsync("/api/orders", OidcGatewayHost.Xhr);
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        Assert.Single(_idp.TokenRequests);
    }

    [Fact]
    public async Task NoRefreshToken_SessionLivesUntilTheAccessTokenExpires_ThenSessionExpired_NeverARefresh()
    {
        await using var host = await StartAsync();
        using var browser = host.CreateBrowser();
        using (var login = await _idp.LoginAsync(browser, "alice", "sid-1", changeTokenResponse: body => body.Remove("refresh_token")))
        {
            Assert.Equal(HttpStatusCode.Found, login.StatusCode);
        }

        // Inside the refresh window, with nothing to refresh with: the token is still good.
        _time.Advance(TimeSpan.FromMinutes(4.5));
        using (var api = await browser.GetAsync("/api/orders", OidcGatewayHost.Xhr))
        {
            Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        }

        using (var user = await browser.GetAsync("/bff/user", OidcGatewayHost.Xhr))
        {
            Assert.Equal(HttpStatusCode.OK, user.StatusCode);
        }

        // Expired: the session is over for every endpoint, whichever is asked first.
        _time.Advance(TimeSpan.FromMinutes(0.5));
        using (var user = await browser.GetAsync("/bff/user", OidcGatewayHost.Xhr))
        {
            await ProblemAssert.IsProblemAsync(user, HttpStatusCode.Unauthorized, "session_expired");
        }

        using (var api = await browser.GetAsync("/api/orders", OidcGatewayHost.Xhr))
        {
            await ProblemAssert.IsProblemAsync(api, HttpStatusCode.Unauthorized, "session_expired");
        }

        Assert.Contains("grant_type=authorization_code", Assert.Single(_idp.TokenRequests), StringComparison.Ordinal);
        Assert.Single(_upstream.LogEntries);
    }

    [Fact]
    public async Task OpaqueAccessTokens_ForwardedExactlyAsIssued()
    {
        // Dots, but not a JWT: anything that tried to read it as one would fail.
        const string first = "v1.2YotnFZFEjr1zCsicMWpAA.x~y_z-+/=";
        const string second = "v2.tGzv3JOkF0XG5Qx2TlKWIA.a~b_c-+/==";
        await using var host = await StartAsync();
        using var browser = host.CreateBrowser();
        using (var login = await _idp.LoginAsync(browser, "alice", "sid-1", accessToken: first))
        {
            Assert.Equal(HttpStatusCode.Found, login.StatusCode);
        }

        using (var api = await browser.GetAsync("/api/orders", OidcGatewayHost.Xhr))
        {
            Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        }

        _idp.RespondTokens(second, "rt-2");
        _time.Advance(TimeSpan.FromMinutes(5));
        using (var api = await browser.GetAsync("/api/orders", OidcGatewayHost.Xhr))
        {
            Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        }

        Assert.Equal(
            ["Bearer " + first, "Bearer " + second],
            _upstream.LogEntries.Select(e => e.RequestMessage.Headers!["Authorization"].Single()));
    }

    private Task<OidcGatewayHost> StartAsync() =>
        OidcGatewayHost.StartAsync(_idp, time: _time, settings: new Dictionary<string, string?>
        {
            ["ReverseProxy:Clusters:api:Destinations:d1:Address"] = _upstream.Url + "/",
        });

    private static async Task<Bff.Sessions.BffSession> StoredSessionAsync(OidcGatewayHost host, TestBrowser browser)
    {
        using var user = await browser.GetAsync("/bff/user", OidcGatewayHost.Xhr);
        var id = (await OidcGatewayHost.JsonAsync(user)).GetProperty("session").GetProperty("id").GetString()!;
        return (await host.Store.GetFreshAsync(id, default))!;
    }
}
