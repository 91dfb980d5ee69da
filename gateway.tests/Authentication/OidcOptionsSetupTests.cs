using System.Net;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace Bff.Tests.Authentication;

/// <summary>
/// What the OIDC handler sends, as wired by the gateway (the authorize request, the code exchange), and its wiring
/// against providers that differ from the dev IdP: one without pushed authorization requests, one signing PS256.
/// </summary>
[Collection(InProcessHostCollection.Name)]
public sealed class OidcOptionsSetupTests : IDisposable
{
    private readonly FakeOidcProvider _idp = new();

    public void Dispose() => _idp.Dispose();

    [Fact]
    public async Task Login_ExtraAuthorizeParameters_GoWithTheAuthorizeRequest()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp, settings: new Dictionary<string, string?>
        {
            ["Bff:ExtraAuthorizeParameters:access_type"] = "offline",
            ["Bff:ExtraAuthorizeParameters:audience"] = "https://api.example",
        });
        using var browser = host.CreateBrowser();

        using var start = await browser.GetAsync("/bff/login");

        Assert.Equal(HttpStatusCode.Found, start.StatusCode);
        var query = QueryHelpers.ParseQuery(start.Headers.Location!.Query);
        Assert.Equal("offline", query["access_type"]);
        Assert.Equal("https://api.example", query["audience"]);
        Assert.Equal("openid profile offline_access", query["scope"]);
    }

    [Fact]
    public async Task Login_CodeExchange_AuthenticatesAsDiscoveryAllows()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp);
        using var browser = host.CreateBrowser();

        using var login = await host.LoginAsync(browser, "alice", "idp-sid-1");

        Assert.Equal(HttpStatusCode.Found, login.StatusCode);
        var exchange = Assert.Single(_idp.Server.LogEntries, e => e.RequestMessage.Path == "/token").RequestMessage;
        // The provider lists client_secret_basic: the secret goes in the header, never in the body as well.
        var authorization = Assert.Single(exchange.Headers!["Authorization"]);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("bff:secret")), authorization);
        var form = QueryHelpers.ParseQuery(exchange.Body);
        Assert.Equal("authorization_code", form["grant_type"]);
        Assert.Equal("code-1", form["code"]);
        Assert.True(form.ContainsKey("code_verifier"));
        Assert.False(form.ContainsKey("client_secret"));
        using var user = await browser.GetAsync("/bff/user", OidcGatewayHost.Xhr);
        Assert.Equal(HttpStatusCode.OK, user.StatusCode);
    }

    [Fact]
    public async Task Login_CodeRefused_IsABadRequestAndNoSession()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp);
        using var browser = host.CreateBrowser();
        using var start = await browser.GetAsync("/bff/login");
        var state = QueryHelpers.ParseQuery(start.Headers.Location!.Query)["state"].ToString();
        _idp.RespondTokenError(400, "invalid_grant");

        using var callback = await browser.GetAsync("/signin-oidc?code=stale&state=" + Uri.EscapeDataString(state));

        await ProblemAssert.IsProblemAsync(callback, HttpStatusCode.BadRequest, "bad_request");
        Assert.Null(browser.Cookies.Get("__Host-bff"));
    }

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
