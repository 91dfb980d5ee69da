using System.Net;
using Microsoft.AspNetCore.WebUtilities;

namespace Bff.Tests.Authentication;

/// <summary>
/// The OIDC handler's wiring against providers that differ from the dev IdP: one without pushed authorization
/// requests (a plain authorize redirect), one that signs its ID and logout tokens with PS256.
/// </summary>
[Collection(InProcessHostCollection.Name)]
public sealed class OidcOptionsSetupTests
{
    [Fact]
    public async Task IdpWithoutPar_LoginIsAPlainAuthorizeRedirect()
    {
        // The fake IdP's discovery names no pushed_authorization_request_endpoint.
        using var idp = new FakeOidcProvider();
        await using var host = await OidcGatewayHost.StartAsync(idp);
        using var browser = host.CreateBrowser();

        using (var start = await browser.GetAsync("/bff/login?returnUrl=/orders"))
        {
            Assert.Equal(HttpStatusCode.Found, start.StatusCode);
            var location = start.Headers.Location!;
            Assert.Equal(idp.AuthorizationEndpoint, location.GetLeftPart(UriPartial.Path));
            var query = QueryHelpers.ParseQuery(location.Query);
            Assert.False(query.ContainsKey("request_uri"));
            Assert.Equal("bff", query["client_id"]);
            Assert.Equal("code", query["response_type"]);
            Assert.Equal("S256", query["code_challenge_method"]);
            Assert.All(new[] { "code_challenge", "redirect_uri", "state", "nonce", "scope" }, name => Assert.True(query.ContainsKey(name), name));
        }

        // Nothing was pushed: the IdP heard only GETs (discovery, keys) before the browser went to it.
        Assert.DoesNotContain(idp.Server.LogEntries, e => e.RequestMessage.Method == "POST");

        using var login = await idp.LoginAsync(browser, "alice", "sid-1", returnUrl: "/orders");
        Assert.Equal(HttpStatusCode.Found, login.StatusCode);
        Assert.Equal("/orders", login.Headers.Location!.OriginalString);
        using var user = await browser.GetAsync("/bff/user", OidcGatewayHost.Xhr);
        Assert.Equal(HttpStatusCode.OK, user.StatusCode);
    }

    [Fact]
    public async Task IdpSigningWithPs256_LoginAndBackchannelLogoutWork()
    {
        using var idp = new FakeOidcProvider(signingAlgorithm: "PS256");
        await using var host = await OidcGatewayHost.StartAsync(idp);
        using var browser = host.CreateBrowser();

        using (var login = await idp.LoginAsync(browser, "alice", "sid-ps"))
        {
            Assert.Equal(HttpStatusCode.Found, login.StatusCode);
            Assert.Equal("/", login.Headers.Location!.OriginalString);
        }

        using (var user = await browser.GetAsync("/bff/user", OidcGatewayHost.Xhr))
        {
            Assert.Equal(HttpStatusCode.OK, user.StatusCode);
        }

        using var client = host.Factory.CreateClient(new() { HandleCookies = false, AllowAutoRedirect = false });
        using var logout = await client.PostAsync("/bff/backchannel-logout",
            new FormUrlEncodedContent([new("logout_token", idp.LogoutToken("alice", "sid-ps"))]));
        Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        using var after = await browser.GetAsync("/bff/user", OidcGatewayHost.Xhr);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }
}
