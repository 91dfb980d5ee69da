using Bff.Lifecycle;
using System.Net;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Endpoints;

/// <summary>
/// <c>POST /bff/logout</c>, as bff-client.js sends it: CSRF-protected, it ends the session and answers where to send
/// the browser next (the IdP's end-session URL, or <c>/</c> when the IdP has none).
/// </summary>
[Collection(InProcessHostCollection.Name)]
public sealed class LogoutEndpointPostTests : IDisposable
{
    private readonly FakeOidcProvider _idp = new();

    public void Dispose() => _idp.Dispose();

    [Fact]
    public async Task Post_WithSession_EndsItAndAnswersEndSessionUrl()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp);
        var (session, browser) = await host.SeedSessionAsync("alice", refreshToken: "rt-post");
        using var _ = browser;

        using var response = await browser.PostAsync("/bff/logout", null, await OidcGatewayHost.UnsafeHeadersAsync(browser));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var url = (await OidcGatewayHost.JsonAsync(response)).GetProperty("endSessionUrl").GetString()!;
        Assert.StartsWith(_idp.Issuer + "/session/end?", url, StringComparison.Ordinal);
        Assert.DoesNotContain("id_token_hint", url, StringComparison.Ordinal);
        Assert.Equal("\"cache\", \"storage\"", string.Join(", ", response.Headers.GetValues("Clear-Site-Data")));
        CookieAssert.Deleted(browser, "__Host-bff");
        CookieAssert.Deleted(browser, "__Host-bff-af");
        Assert.False(await host.IsAliveAsync(session.Id));
        Assert.Contains(_idp.RevocationRequests, body => body.Contains("token=rt-post", StringComparison.Ordinal));
        using var user = await browser.GetAsync("/bff/user", OidcGatewayHost.Xhr);
        Assert.Equal(HttpStatusCode.Unauthorized, user.StatusCode);
    }

    [Fact]
    public async Task Post_WithoutCsrfHeader_403AndSessionKept()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp);
        var (session, browser) = await host.SeedSessionAsync("alice");
        using var _ = browser;

        using var response = await browser.PostAsync("/bff/logout", null);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.True(await host.IsAliveAsync(session.Id));
    }

    [Fact]
    public async Task Post_WithoutSession_StillAnswersEndSessionUrlAndClearsTheBrowser()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp);
        using var browser = host.CreateBrowser();

        using var response = await browser.PostAsync("/bff/logout", null, OidcGatewayHost.Xhr);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith(_idp.Issuer + "/session/end?", (await OidcGatewayHost.JsonAsync(response)).GetProperty("endSessionUrl").GetString(), StringComparison.Ordinal);
        Assert.True(response.Headers.Contains("Clear-Site-Data"));
        Assert.Empty(_idp.RevocationRequests);
    }

    [Fact]
    public async Task Post_IdpWithoutEndSessionOrRevocation_LocalLogoutAndSlash()
    {
        using var bare = new FakeOidcProvider(endSessionEndpoint: false, revocationEndpoint: false);
        await using var host = await OidcGatewayHost.StartAsync(bare);
        var (session, browser) = await host.SeedSessionAsync("alice");
        using var _ = browser;

        using var response = await browser.PostAsync("/bff/logout", null, await OidcGatewayHost.UnsafeHeadersAsync(browser));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/", (await OidcGatewayHost.JsonAsync(response)).GetProperty("endSessionUrl").GetString());
        Assert.False(await host.IsAliveAsync(session.Id));
        Assert.Empty(bare.RevocationRequests);
    }
}
