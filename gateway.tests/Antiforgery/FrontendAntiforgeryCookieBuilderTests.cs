using System.Net;
using System.Text.Json;

namespace Bff.Tests.Antiforgery;

/// <summary>
/// Two frontends on one origin, <c>admin</c> at its root and <c>reports</c> under <c>/reports</c>, in one browser
/// (one cookie jar, as a browser has for an origin), beside the default frontend on any other host: each has an
/// antiforgery cookie of its own, and one frontend's logout leaves the other's tokens working.
/// </summary>
[Collection(InProcessHostCollection.Name)]
public sealed class FrontendAntiforgeryCookieBuilderTests : IDisposable
{
    private const string SharedOrigin = "https://admin.test";
    private static readonly KeyValuePair<string, string>[] Csrf = [new("X-CSRF", "1")];

    private readonly FakeOidcProvider _idp = new();

    public void Dispose() => _idp.Dispose();

    private static Dictionary<string, string?> SharedOriginFrontends() => new()
    {
        ["Bff:Frontends:admin:Origin"] = SharedOrigin,
        ["Bff:Frontends:admin:ClientId"] = "bff-admin",
        ["Bff:Frontends:reports:Origin"] = SharedOrigin,
        ["Bff:Frontends:reports:PathBase"] = "/reports",
        ["Bff:Frontends:reports:ClientId"] = "bff-reports",
    };

    // One browser signed in to both frontends of the shared origin.
    private static async Task<TestBrowser> SignedInToBothAsync(OidcGatewayHost host)
    {
        var browser = new TestBrowser(new Uri(SharedOrigin + "/"), new CookieJar(host.Time), () => host.Factory.Server.CreateHandler());
        foreach (var frontend in new[] { "admin", "reports" })
        {
            var seeded = await TestSessions.SeedAsync(host.Services, "alice", session => session with { Frontend = frontend });
            browser.Cookies.Set("__Host-bff-" + frontend, seeded.Cookie.Split('=', 2)[1]);
        }

        return browser;
    }

    private static async Task<KeyValuePair<string, string>[]> UnsafeHeadersAsync(TestBrowser browser, string pathBase)
    {
        using var response = await browser.GetAsync(pathBase + "/bff/csrf", Csrf);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = (await OidcGatewayHost.JsonAsync(response)).GetProperty("token").GetString()!;
        return [.. Csrf, new("X-XSRF-TOKEN", token)];
    }

    [Fact]
    public async Task Csrf_EachFrontendSetsItsOwnCookie_TheDefaultKeepsItsName()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp, settings: SharedOriginFrontends());
        using var browser = await SignedInToBothAsync(host);
        var (_, customer) = await host.SeedSessionAsync("alice");
        using var _ = customer;

        await UnsafeHeadersAsync(browser, "");
        await UnsafeHeadersAsync(browser, "/reports");
        await UnsafeHeadersAsync(customer, "");

        foreach (var name in new[] { "__Host-bff-af-admin", "__Host-bff-af-reports" })
        {
            var cookie = browser.Cookies.LastSetCookie(name);
            Assert.NotNull(cookie);
            Assert.True(cookie.Secure && cookie.HttpOnly && cookie.Path == "/" && cookie.Domain is null, cookie.Raw);
        }

        Assert.Empty(browser.Cookies.SetCookieHeaders("__Host-bff-af"));
        Assert.NotNull(customer.Cookies.Get("__Host-bff-af"));
    }

    [Fact]
    public async Task OneFrontendsCookieAndToken_DoNotPassForTheOther()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp, settings: SharedOriginFrontends());
        using var browser = await SignedInToBothAsync(host);
        var admin = await UnsafeHeadersAsync(browser, "");

        // The browser holds only admin's antiforgery cookie: reports reads its own, and admin's token pairs with neither.
        using var reports = await browser.PostAsync("/reports/bff/sessions/revoke-others", null, admin);

        await ProblemAssert.IsProblemAsync(reports, HttpStatusCode.Forbidden, "csrf");
        Assert.Null(browser.Cookies.Get("__Host-bff-af-reports"));
        using var own = await browser.PostAsync("/bff/sessions/revoke-others", null, admin);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
    }

    [Fact]
    public async Task Logout_ExpiresItsOwnCookie_TheOtherFrontendsTokenStillPasses()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp, settings: SharedOriginFrontends());
        using var browser = await SignedInToBothAsync(host);
        var admin = await UnsafeHeadersAsync(browser, "");
        var reports = await UnsafeHeadersAsync(browser, "/reports");

        using var logout = await browser.PostAsync("/bff/logout", null, admin);

        Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        CookieAssert.Deleted(browser, "__Host-bff-af-admin");
        Assert.Single(browser.Cookies.SetCookieHeaders("__Host-bff-af-reports"));
        Assert.NotNull(browser.Cookies.Get("__Host-bff-af-reports"));
        using var stillSignedIn = await browser.PostAsync("/reports/bff/sessions/revoke-others", null, reports);
        Assert.Equal(HttpStatusCode.OK, stillSignedIn.StatusCode);
    }

    [Fact]
    public async Task FrontendsAntiforgeryCookie_SentTwice_400()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp, settings: SharedOriginFrontends());
        using var browser = await SignedInToBothAsync(host);
        var reports = await UnsafeHeadersAsync(browser, "/reports");
        var cookies = browser.Cookies.GetCookieHeader(browser.Resolve("/reports/bff/sessions/revoke-others"))!;
        var copy = "__host-bff-af-reports=" + browser.Cookies.Get("__Host-bff-af-reports");

        // A second copy, in another letter case, as a sibling subdomain could plant one without the __Host- prefix.
        using var response = await browser.PostAsync("/reports/bff/sessions/revoke-others", null, [.. reports, new("Cookie", cookies + "; " + copy)]);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "bad_request");
        Assert.Contains("__Host-bff-af-reports", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
    }
}
