using Bff.Tests.Support;
using System.Net;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Bff.Tests.Hosting;

/// <summary>
/// A proxied route that matches every path (<c>/{**catch-all}</c>, as when the SPA itself is proxied), or
/// one of the gateway's own paths exactly, in any order, takes nothing of the gateway's: the OIDC callbacks,
/// the <c>/bff</c> endpoints, the health and metrics endpoints stay the gateway's; other paths are proxied.
/// </summary>
[Collection(InProcessHostCollection.Name)]
public sealed class CatchAllRouteTests : IDisposable
{
    // The callbacks are top-level navigations from the IdP's site.
    private static readonly KeyValuePair<string, string>[] FromTheIdp =
        [new("Sec-Fetch-Site", "cross-site"), new("Sec-Fetch-Mode", "navigate"), new("Sec-Fetch-Dest", "document")];

    private readonly FakeOidcProvider _idp = new();
    private readonly WireMockServer _upstream = WireMockServer.Start();

    public CatchAllRouteTests()
    {
        _upstream.Given(Request.Create().UsingAnyMethod())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "text/plain").WithBody("from the upstream"));
    }

    public void Dispose()
    {
        _idp.Dispose();
        _upstream.Stop();
    }

    public static TheoryData<string, string?, bool> Routes() => new()
    {
        // The defaults: a user's token and the full CSRF checks.
        { "/{**catch-all}", null, false },
        // A proxied SPA: no token, no X-CSRF (navigations send none), ordered ahead of everything at 0.
        { "/{**catch-all}", "-1", true },
        { "/{**catch-all}", int.MinValue.ToString(System.Globalization.CultureInfo.InvariantCulture), true },
        { "/{*path}", "-100", false },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task CatchAllRoute_GatewayEndpointsStayTheGateways_OtherPathsProxied(string pattern, string? order, bool spa)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ReverseProxy:Clusters:api:Destinations:d1:Address"] = _upstream.Url + "/",
            ["ReverseProxy:Routes:everything:ClusterId"] = "api",
            ["ReverseProxy:Routes:everything:Match:Path"] = pattern,
        };
        // And a route for one of the gateway's own paths exactly, in the same order.
        settings["ReverseProxy:Routes:shadow:ClusterId"] = "api";
        settings["ReverseProxy:Routes:shadow:Match:Path"] = "/bff/user";
        settings["ReverseProxy:Routes:shadow:Match:Methods:0"] = "GET";
        if (order is not null)
        {
            settings["ReverseProxy:Routes:everything:Order"] = order;
            settings["ReverseProxy:Routes:shadow:Order"] = order;
        }

        if (spa)
        {
            settings["ReverseProxy:Routes:everything:Metadata:Bff.AccessToken"] = "None";
            settings["ReverseProxy:Routes:everything:Metadata:Bff.Antiforgery"] = "false";
        }

        await using var host = await OidcGatewayHost.StartAsync(_idp, settings: settings);
        using var browser = host.CreateBrowser();

        using (var login = await host.LoginAsync(browser, "alice", "idp-sid-1", callbackHeaders: FromTheIdp))
        {
            Assert.True(HttpStatusCode.Found == login.StatusCode, $"{(int)login.StatusCode}: {await login.Content.ReadAsStringAsync()}");
            Assert.Equal("/", login.Headers.Location?.OriginalString);
        }

        using (var user = await browser.GetAsync("/bff/user", OidcGatewayHost.Xhr))
        {
            Assert.Equal(HttpStatusCode.OK, user.StatusCode);
            Assert.Equal("alice", (await OidcGatewayHost.JsonAsync(user)).GetProperty("sub").GetString());
        }

        using (var health = await browser.GetAsync("/healthz"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal("Healthy", (await OidcGatewayHost.JsonAsync(health)).GetProperty("status").GetString());
        }

        using (var metrics = await browser.GetAsync("/metrics"))
        {
            Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
            Assert.Contains("# TYPE", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var ready = await browser.GetAsync("/readyz"))
        {
            // Ready or not (no Redis here), the answer is the gateway's.
            Assert.True((await OidcGatewayHost.JsonAsync(ready)).TryGetProperty("checks", out _));
        }

        using (var signedOut = await browser.GetAsync("/signout-callback-oidc?state=x", FromTheIdp))
        {
            Assert.Equal(HttpStatusCode.Found, signedOut.StatusCode);
            Assert.Equal("/", signedOut.Headers.Location?.OriginalString);
        }

        Assert.Empty(_upstream.LogEntries);

        using var proxied = await browser.GetAsync("/app/page", OidcGatewayHost.Xhr);
        Assert.Equal(HttpStatusCode.OK, proxied.StatusCode);
        Assert.Equal("from the upstream", await proxied.Content.ReadAsStringAsync());
        Assert.Equal("/app/page", Assert.Single(_upstream.LogEntries).RequestMessage.Path);
    }
}
