using Bff.Lifecycle;
using System.Net;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Endpoints;

/// <summary>
/// <c>GET /bff/logout?sid=</c>, the link /bff/user hands out: only with the caller's own session id, it ends the
/// session, revokes its refresh token (retried from the queue when the IdP fails) and sends the browser through the
/// IdP's end-session endpoint. The SPA's <c>POST</c> is in <see cref="LogoutEndpointPostTests"/>.
/// </summary>
[Collection(InProcessHostCollection.Name)]
public sealed class LogoutEndpointTests : IDisposable
{
    private readonly FakeOidcProvider _idp = new();

    public void Dispose() => _idp.Dispose();

    [Fact]
    public async Task Get_OwnSid_EndsSessionRevokesAndRedirectsToEndSession()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp);
        var (session, browser) = await host.SeedSessionAsync("alice", refreshToken: "rt-alice");
        using var _ = browser;

        using var response = await browser.GetAsync("/bff/logout?sid=" + Uri.EscapeDataString(session.Id));

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith(_idp.Issuer + "/session/end?", location.ToString(), StringComparison.Ordinal);
        var query = QueryHelpers.ParseQuery(location.Query);
        Assert.Equal("bff", query["client_id"]);
        Assert.Equal("http://localhost/signout-callback-oidc", query["post_logout_redirect_uri"]);
        Assert.False(query.ContainsKey("id_token_hint"));
        Assert.Equal("\"cache\", \"storage\"", string.Join(", ", response.Headers.GetValues("Clear-Site-Data")));
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        CookieAssert.Deleted(browser, "__Host-bff");
        CookieAssert.Deleted(browser, "__Host-bff-af");
        Assert.False(await host.IsAliveAsync(session.Id));
        Assert.Contains(_idp.RevocationRequests, body => body.Contains("token=rt-alice", StringComparison.Ordinal)
            && body.Contains("token_type_hint=refresh_token", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData("?sid=")]
    [InlineData("?sid=not-the-session")]
    [InlineData("?sid={0}&sid={0}")]
    public async Task Get_WithoutOwnSid_ChangesNothingAnd400(string query)
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp);
        var (session, browser) = await host.SeedSessionAsync("alice");
        using var _ = browser;

        using var response = await browser.GetAsync("/bff/logout" + string.Format(System.Globalization.CultureInfo.InvariantCulture, query, session.Id));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("bad_request", (await OidcGatewayHost.JsonAsync(response)).GetProperty("code").GetString());
        Assert.False(response.Headers.Contains("Set-Cookie"));
        Assert.False(response.Headers.Contains("Clear-Site-Data"));
        Assert.True(await host.IsAliveAsync(session.Id));
        Assert.Empty(_idp.RevocationRequests);
    }

    [Fact]
    public async Task Get_AnotherUsersSid_ChangesNothingAnd400()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp);
        var (alice, aliceBrowser) = await host.SeedSessionAsync("alice");
        var (bob, bobBrowser) = await host.SeedSessionAsync("bob");
        using var a = aliceBrowser;
        using var b = bobBrowser;

        using var response = await bobBrowser.GetAsync("/bff/logout?sid=" + alice.Id);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(await host.IsAliveAsync(alice.Id));
        Assert.True(await host.IsAliveAsync(bob.Id));
    }

    [Fact]
    public async Task Get_NoSession_400()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp);
        using var browser = host.CreateBrowser();

        using var response = await browser.GetAsync("/bff/logout?sid=anything");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Get_ClearSiteDataCookiesConfigured_AddsCookies()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp, settings: new Dictionary<string, string?> { ["Bff:Logout:ClearSiteDataCookies"] = "true" });
        var (session, browser) = await host.SeedSessionAsync("alice");
        using var _ = browser;

        using var response = await browser.GetAsync("/bff/logout?sid=" + session.Id);

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("\"cache\", \"storage\", \"cookies\"", string.Join(", ", response.Headers.GetValues("Clear-Site-Data")));
    }

    [Fact]
    public async Task Get_PublicOriginConfigured_PostLogoutRedirectUsesIt()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp, settings: new Dictionary<string, string?> { ["Bff:PublicOrigin"] = "https://app.example.com" });
        var (session, browser) = await host.SeedSessionAsync("alice");
        using var _ = browser;

        using var response = await browser.GetAsync("/bff/logout?sid=" + session.Id);

        var query = QueryHelpers.ParseQuery(response.Headers.Location!.Query);
        Assert.Equal("https://app.example.com/signout-callback-oidc", query["post_logout_redirect_uri"]);
    }

    [Fact]
    public async Task SignedOutCallback_WithoutSessionOrState_LandsOnRoot()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp);
        using var browser = host.CreateBrowser();

        using var response = await browser.GetAsync("/signout-callback-oidc?state=whatever");

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.ToString());
    }

    [Fact]
    public async Task Get_IdpWithoutEndSession_EndsLocallyAndLandsOnRoot()
    {
        using var idp = new FakeOidcProvider(endSessionEndpoint: false);
        await using var host = await OidcGatewayHost.StartAsync(idp);
        var (session, browser) = await host.SeedSessionAsync("alice", refreshToken: "rt-local");
        using var _ = browser;

        using var response = await browser.GetAsync("/bff/logout?sid=" + Uri.EscapeDataString(session.Id));

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.ToString());
        CookieAssert.Deleted(browser, "__Host-bff");
        Assert.False(await host.IsAliveAsync(session.Id));
        Assert.Contains(idp.RevocationRequests, body => body.Contains("token=rt-local", StringComparison.Ordinal));
        using var landing = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, landing.StatusCode);
        using var user = await browser.GetAsync("/bff/user", OidcGatewayHost.Xhr);
        Assert.Equal(HttpStatusCode.Unauthorized, user.StatusCode);
    }

    [Fact]
    public async Task Get_RevocationFails_SessionStillEndsAndTheQueueRetriesLater()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await OidcGatewayHost.StartAsync(_idp, time: time);
        var (session, browser) = await host.SeedSessionAsync("alice", refreshToken: "rt-retry");
        using var _ = browser;
        _idp.RespondToRevocation(503);

        using var response = await browser.GetAsync("/bff/logout?sid=" + session.Id);

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.False(await host.IsAliveAsync(session.Id));
        Assert.Single(_idp.RevocationRequests);

        // Not before the first retry delay; then once, and done when it succeeds.
        _idp.RespondToRevocation(200);
        time.Advance(TimeSpan.FromSeconds(5));
        await Task.Delay(300);
        Assert.Single(_idp.RevocationRequests);
        time.Advance(RefreshTokenRevoker.RetryDelay(1) * 1.2);
        await Eventually.TrueAsync(() => _idp.RevocationRequests.Count == 2, TimeSpan.FromSeconds(10), "the queued revocation to be retried");
        Assert.Contains("token=rt-retry", _idp.RevocationRequests[1], StringComparison.Ordinal);
        time.Advance(TimeSpan.FromHours(2));
        await Task.Delay(300);
        Assert.Equal(2, _idp.RevocationRequests.Count);
    }
}
