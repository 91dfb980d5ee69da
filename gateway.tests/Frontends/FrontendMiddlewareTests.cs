using System.Buffers.Text;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;

namespace Bff.Tests.Frontends;

/// <summary>
/// Two frontends on one in-process gateway: the top-level client on any host, and <c>admin</c> (its own client,
/// cookie and origin), plus a path-based one sharing the admin origin. Logins go through the fake IdP.
/// </summary>
[Collection(InProcessHostCollection.Name)]
public sealed class FrontendMiddlewareTests : IDisposable
{
    private const string AdminOrigin = "https://admin.test";
    private static readonly KeyValuePair<string, string>[] Csrf = [new("X-CSRF", "1")];

    private readonly FakeOidcProvider _idp = new();

    public void Dispose() => _idp.Dispose();

    private static Dictionary<string, string?> TwoFrontends(bool topLevelClient = true) => new()
    {
        // Discovery is read on the first login: on a loaded machine that can take longer than the usual 2 s.
        ["Bff:Tokens:IdpTimeout"] = "00:00:30",
        ["Bff:ClientId"] = topLevelClient ? "bff" : null,
        ["Bff:Frontends:admin:Origin"] = AdminOrigin,
        ["Bff:Frontends:admin:ClientId"] = "bff-admin",
        ["Bff:Frontends:admin:Scopes:0"] = "openid",
        ["Bff:Frontends:admin:Scopes:1"] = "admin",
        ["Bff:Frontends:reports:Origin"] = AdminOrigin,
        ["Bff:Frontends:reports:PathBase"] = "/reports",
        ["Bff:Frontends:reports:ClientId"] = "bff-reports",
        ["ReverseProxy:Routes:adminonly:ClusterId"] = "api",
        ["ReverseProxy:Routes:adminonly:Match:Path"] = "/admin-api/{**rest}",
        ["ReverseProxy:Routes:adminonly:Metadata:Bff.Frontends"] = "admin",
    };

    private static TestBrowser BrowserAt(OidcGatewayHost host, string origin) =>
        new(new Uri(origin + "/"), new CookieJar(host.Time), () => host.Factory.Server.CreateHandler());

    [Fact]
    public async Task Login_AdminFrontend_UsesItsClientScopesCallbackAndCookie()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp, settings: TwoFrontends());
        using var admin = BrowserAt(host, AdminOrigin);

        using var callback = await LoginAsync(admin, "alice", "sid-1", "bff-admin", expectClientId: "bff-admin",
            expectRedirectUri: AdminOrigin + "/signin-oidc", expectScope: "openid admin");

        Assert.Equal(HttpStatusCode.Found, callback.StatusCode);
        Assert.NotNull(admin.Cookies.Get("__Host-bff-admin"));
        Assert.Null(admin.Cookies.Get("__Host-bff"));
        var exchange = _idp.Server.LogEntries.Last(e => e.RequestMessage.Path == "/token").RequestMessage;
        var basic = exchange.Headers!.TryGetValue("Authorization", out var authorization) ? authorization.Single() : "";
        Assert.True(basic == "Basic " + Convert.ToBase64String(Encoding.ASCII.GetBytes("bff-admin:secret"))
            || exchange.Body!.Contains("client_id=bff-admin", StringComparison.Ordinal));
        using var user = await admin.GetAsync("/bff/user", Csrf);
        Assert.Equal(HttpStatusCode.OK, user.StatusCode);
    }

    [Fact]
    public async Task AdminCookie_UnderTheCustomerCookieName_IsUnauthenticated()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp, settings: TwoFrontends());
        using var admin = BrowserAt(host, AdminOrigin);
        using var _ = await LoginAsync(admin, "alice", "sid-1", "bff-admin");
        using var customer = host.CreateBrowser();
        customer.Cookies.Set("__Host-bff", admin.Cookies.Get("__Host-bff-admin")!);

        using var user = await customer.GetAsync("/bff/user", Csrf);

        await ProblemAssert.IsProblemAsync(user, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Sessions_AndLogout_StayInsideOneFrontend()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp, settings: TwoFrontends());
        using var admin = BrowserAt(host, AdminOrigin);
        using var customer = host.CreateBrowser();
        using var a = await LoginAsync(admin, "alice", "sid-1", "bff-admin");
        using var c = await LoginAsync(customer, "alice", "sid-1", FakeOidcProvider.ClientId);

        using var list = await admin.GetAsync("/bff/sessions", Csrf);
        var sessions = await list.Content.ReadFromJsonAsync<JsonArray>();
        Assert.Single(sessions!);

        using var csrf = await admin.GetAsync("/bff/csrf", Csrf);
        var token = (await csrf.Content.ReadFromJsonAsync<JsonObject>())!["token"]!.GetValue<string>();
        using var revoked = await admin.PostAsync("/bff/sessions/revoke-others", null, [.. Csrf, new("X-XSRF-TOKEN", token)]);
        Assert.Equal(0, (await revoked.Content.ReadFromJsonAsync<JsonObject>())!["revoked"]!.GetValue<int>());

        using var logout = await admin.PostAsync("/bff/logout", null, [.. Csrf, new("X-XSRF-TOKEN", token)]);
        Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        var endSession = (await logout.Content.ReadFromJsonAsync<JsonObject>())!["endSessionUrl"]!.GetValue<string>();
        var query = QueryHelpers.ParseQuery(new Uri(endSession).Query);
        Assert.Equal("bff-admin", query["client_id"]);
        Assert.Equal(AdminOrigin + "/signout-callback-oidc", query["post_logout_redirect_uri"]);

        using var adminUser = await admin.GetAsync("/bff/user", Csrf);
        Assert.Equal(HttpStatusCode.Unauthorized, adminUser.StatusCode);
        using var customerUser = await customer.GetAsync("/bff/user", Csrf);
        Assert.Equal(HttpStatusCode.OK, customerUser.StatusCode);
    }

    [Fact]
    public async Task BackchannelLogout_ForTheAdminClient_EndsEveryFrontendsSessionsOfThatIdpSession()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp, settings: TwoFrontends());
        using var admin = BrowserAt(host, AdminOrigin);
        using var customer = host.CreateBrowser();
        using var a = await LoginAsync(admin, "alice", "sid-1", "bff-admin");
        using var c = await LoginAsync(customer, "alice", "sid-1", FakeOidcProvider.ClientId);

        var logoutToken = _idp.LogoutToken("alice", "sid-1", claims => claims["aud"] = "bff-admin");
        using var server = host.CreateBrowser();
        using var response = await server.PostFormAsync("/bff/backchannel-logout", [new("logout_token", logoutToken)]);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var adminUser = await admin.GetAsync("/bff/user", Csrf);
        Assert.Equal(HttpStatusCode.Unauthorized, adminUser.StatusCode);
        using var customerUser = await customer.GetAsync("/bff/user", Csrf);
        Assert.Equal(HttpStatusCode.Unauthorized, customerUser.StatusCode);
    }

    [Fact]
    public async Task Route_LimitedToAdmin_Is404ForTheOtherFrontend()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp, settings: TwoFrontends());
        using var customer = host.CreateBrowser();

        using var response = await customer.GetAsync("/admin-api/x", Csrf);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task NoTopLevelClient_UnclaimedHost_Is404_ProbesAnswer()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp, settings: TwoFrontends(topLevelClient: false));
        using var other = host.CreateBrowser();

        using var user = await other.GetAsync("/bff/login");
        using var health = await other.GetAsync("/healthz");

        await ProblemAssert.IsProblemAsync(user, HttpStatusCode.NotFound, "not_found");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task PathBaseFrontend_LoginAndCallbackLiveUnderIt()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp, settings: TwoFrontends());
        using var reports = BrowserAt(host, AdminOrigin);

        using var callback = await LoginAsync(reports, "alice", "sid-1", "bff-reports", pathBase: "/reports",
            expectClientId: "bff-reports", expectRedirectUri: AdminOrigin + "/reports/signin-oidc");

        Assert.Equal(HttpStatusCode.Found, callback.StatusCode);
        Assert.NotNull(reports.Cookies.Get("__Host-bff-reports"));
        using var user = await reports.GetAsync("/reports/bff/user", Csrf);
        Assert.Equal(HttpStatusCode.OK, user.StatusCode);
        using var unprefixed = await reports.GetAsync("/bff/user", Csrf);
        Assert.Equal(HttpStatusCode.Unauthorized, unprefixed.StatusCode);
    }

    private async Task<HttpResponseMessage> LoginAsync(TestBrowser browser, string subject, string sid, string audience, string pathBase = "",
        string? expectClientId = null, string? expectRedirectUri = null, string? expectScope = null)
    {
        using var start = await browser.GetAsync(pathBase + "/bff/login?returnUrl=/");
        Assert.Equal(HttpStatusCode.Found, start.StatusCode);
        var authorize = QueryHelpers.ParseQuery(start.Headers.Location!.Query);
        if (expectClientId is not null)
        {
            Assert.Equal(expectClientId, authorize["client_id"]);
        }

        if (expectRedirectUri is not null)
        {
            Assert.Equal(expectRedirectUri, authorize["redirect_uri"]);
        }

        if (expectScope is not null)
        {
            Assert.Equal(expectScope, authorize["scope"]);
        }

        var accessToken = "at-" + Guid.NewGuid().ToString("N");
        _idp.RespondTokens(accessToken, "rt-" + Guid.NewGuid().ToString("N"), idToken: IdToken(subject, sid, authorize["nonce"]!, accessToken, audience));
        return await browser.GetAsync(pathBase + "/signin-oidc?code=code-1&state=" + Uri.EscapeDataString(authorize["state"]!));
    }

    private string IdToken(string subject, string sid, string nonce, string accessToken, string audience)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return _idp.Sign(new JsonObject
        {
            ["iss"] = _idp.Issuer,
            ["aud"] = audience,
            ["sub"] = subject,
            ["sid"] = sid,
            ["name"] = subject,
            ["nonce"] = nonce,
            ["at_hash"] = Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken))[..16]),
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = now + 300,
        });
    }
}
