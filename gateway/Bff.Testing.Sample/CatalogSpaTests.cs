using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using Bff.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Shop.ContractTests;

/// <summary>
/// The shop SPA team's end-to-end contract against a mocked catalog API: a signed-in user lists items and puts
/// one in the cart (a POST with the antiforgery token), and the catalog receives the user's token and nothing
/// of the browser's credentials.
/// </summary>
public sealed class CatalogSpaTests : IAsyncLifetime
{
    private BffTestGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _gateway = await BffTestGateway.StartAsync(options =>
        {
            options.Configuration = GatewayConfiguration.Load();
            options.MockUpstream("catalog");
        });
        var catalog = _gateway.Upstream("catalog");
        catalog.Given(Request.Create().WithPath("/catalog/items").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""[{"sku":"s-1"}]"""));
        catalog.Given(Request.Create().WithPath("/catalog/cart").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201));
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task Items_SignedIn_TheCatalogGetsTheUsersBearerAndNoBrowserCredentials()
    {
        using var browser = await _gateway.SignInAsync("alice", [new Claim("email", "alice@shop.example")]);

        using var response = await browser.GetAsync("api/catalog/items");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(_gateway.ReceivedBy("catalog"));
        Assert.Equal("alice", received.Bearer?.Subject);
        Assert.Equal("alice@shop.example", received.Bearer?.Value("email"));
        Assert.Empty(received.BrowserCredentials);
    }

    [Fact]
    public async Task Cart_PostWithTheAntiforgeryToken_ReachesTheCatalogWithoutBrowserCredentials()
    {
        using var browser = await _gateway.SignInAsync("alice");

        using var response = await browser.PostAsJsonAsync("api/catalog/cart", new { sku = "s-1" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var received = Assert.Single(_gateway.ReceivedBy("catalog"));
        Assert.Equal("POST", received.Method);
        Assert.Contains("s-1", received.Body, StringComparison.Ordinal);
        Assert.Equal("alice", received.Bearer?.Subject);
        Assert.Empty(received.BrowserCredentials);
        Assert.Equal("https", received.ForwardedHeaders["X-Forwarded-Proto"]);
    }

    [Fact]
    public async Task Cart_PostFromAnotherSite_403AndNothingReachesTheCatalog()
    {
        using var browser = await _gateway.SignInAsync("alice");
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/catalog/cart") { Content = JsonContent.Create(new { sku = "s-1" }) };
        // What a page on another site can make the browser send: its own Fetch Metadata, no antiforgery token.
        request.Headers.Add("Sec-Fetch-Site", "cross-site");
        request.Headers.Add("X-XSRF-TOKEN", "forged");

        using var response = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(_gateway.ReceivedBy("catalog"));
    }

    [Fact]
    public async Task Items_RefreshRefusedAfterExpiry_401AndNothingReachesTheCatalog()
    {
        using var browser = await _gateway.SignInAsync("alice");
        _gateway.Issuer.RefreshFailure = RefreshFailure.InvalidGrant;
        _gateway.Time.Advance(_gateway.Issuer.AccessTokenLifetime + TimeSpan.FromMinutes(1));

        using var response = await browser.GetAsync("api/catalog/items");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(_gateway.ReceivedBy("catalog"));
    }

    [Fact]
    public async Task Items_IdpDownAtRefresh_NothingReachesTheCatalogWithoutAToken()
    {
        using var browser = await _gateway.SignInAsync("alice");
        _gateway.Issuer.RefreshFailure = RefreshFailure.Outage;
        _gateway.Time.Advance(_gateway.Issuer.AccessTokenLifetime + TimeSpan.FromMinutes(1));

        using var response = await browser.GetAsync("api/catalog/items");

        Assert.False(response.IsSuccessStatusCode);
        Assert.DoesNotContain(_gateway.ReceivedBy("catalog"), r => r.Bearer is null);
    }
}
