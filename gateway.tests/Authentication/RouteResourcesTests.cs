using System.Net;
using Microsoft.AspNetCore.WebUtilities;

namespace Bff.Tests.Authentication;

/// <summary>
/// The authorization request names every API and scope that routes sending the user's token ask for (RFC 8707:
/// several <c>resource</c> parameters), so that the refresh grant may ask for each later. The pushed request (PAR)
/// is covered with the dev IdP in Integration/Tokens.
/// </summary>
[Collection(InProcessHostCollection.Name)]
public sealed class RouteResourcesTests : IDisposable
{
    private readonly FakeOidcProvider _idp = new();

    public void Dispose() => _idp.Dispose();

    [Fact]
    public async Task Login_NamesEveryRoutesResourceAndScope_NotAClientRoutes()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp, settings: new Dictionary<string, string?>
        {
            ["ReverseProxy:Routes:orders:ClusterId"] = "api",
            ["ReverseProxy:Routes:orders:Match:Path"] = "/orders/{**rest}",
            ["ReverseProxy:Routes:orders:Metadata:Bff.AccessToken.Resource"] = "https://orders.example",
            ["ReverseProxy:Routes:orders:Metadata:Bff.AccessToken.Scope"] = "orders:read",
            ["ReverseProxy:Routes:pay:ClusterId"] = "api",
            ["ReverseProxy:Routes:pay:Match:Path"] = "/pay/{**rest}",
            ["ReverseProxy:Routes:pay:Metadata:Bff.AccessToken"] = "UserOptional",
            ["ReverseProxy:Routes:pay:Metadata:Bff.AccessToken.Resource"] = "https://pay.example/api?v=1",
            ["ReverseProxy:Routes:batch:ClusterId"] = "api",
            ["ReverseProxy:Routes:batch:Match:Path"] = "/batch/{**rest}",
            ["ReverseProxy:Routes:batch:Metadata:Bff.AccessToken"] = "Client",
            ["ReverseProxy:Routes:batch:Metadata:Bff.AccessToken.Resource"] = "https://batch.example",
            ["ReverseProxy:Routes:batch:Metadata:Bff.AccessToken.Scope"] = "batch",
        });
        using var browser = host.CreateBrowser();

        using var start = await browser.GetAsync("/bff/login");

        Assert.Equal(HttpStatusCode.Found, start.StatusCode);
        var query = QueryHelpers.ParseQuery(start.Headers.Location!.Query);
        Assert.Equal(new[] { "https://orders.example", "https://pay.example/api?v=1" }, query["resource"].ToArray());
        Assert.Equal("openid profile offline_access orders:read", query["scope"]);
        Assert.True(query.ContainsKey("state"));
        Assert.True(query.ContainsKey("code_challenge"));
    }
}
