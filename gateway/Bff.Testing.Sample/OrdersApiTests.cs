using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using Bff.Testing;

namespace Shop.ContractTests;

/// <summary>
/// The orders team's contract: its real API behind the shop's gateway, which must bring it the user's token for
/// its audience and none of the browser's credentials; the admin route is for admins only.
/// </summary>
public sealed class OrdersApiTests : IAsyncLifetime
{
    private readonly FakeOidcProvider _idp = new();
    private OrdersApi _api = null!;
    private BffTestGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        // The API first, since its JwtBearer needs the issuer's address; then the gateway, sending the orders cluster to it.
        _api = await OrdersApi.StartAsync(_idp.Issuer);
        _gateway = await BffTestGateway.StartAsync(options =>
        {
            options.Configuration = GatewayConfiguration.Load();
            options.Provider = _idp;
            options.UseUpstream("orders", _api.Address);
        });
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _api.DisposeAsync();
        _idp.Dispose();
    }

    [Fact]
    public async Task MyOrders_SignedIn_TheApiGetsTheUsersTokenForItsAudience()
    {
        using var browser = await _gateway.SignInAsync("alice", [new Claim("role", "customer")]);

        using var response = await browser.GetAsync("api/orders/mine");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("alice", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("owner").GetString());
        var (token, _) = Assert.Single(_api.Received);
        Assert.NotNull(token);
        Assert.Equal([OrdersApi.Audience], token.Audiences);
        Assert.Equal("alice", token.Subject);
        Assert.Equal(["customer"], token.Values("role"));
    }

    [Fact]
    public async Task MyOrders_SignedIn_NoBrowserCredentialReachesTheApi()
    {
        using var browser = await _gateway.SignInAsync("alice");

        using var response = await browser.PostAsJsonAsync("api/orders/mine", new { sku = "s-1" });

        // The API has no POST there (405): what matters is what reached it.
        var (_, headers) = Assert.Single(_api.Received);
        Assert.DoesNotContain(headers, h => h is "Cookie" or "X-CSRF" or "X-XSRF-TOKEN");
    }

    [Fact]
    public async Task AdminRoute_Admin_200()
    {
        using var browser = await _gateway.SignInAsync("ada", [new Claim("role", "admin")]);

        using var response = await browser.GetAsync("api/admin/orders");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AdminRoute_Customer_403FromTheApisOwnAuthorization()
    {
        using var browser = await _gateway.SignInAsync("bob", [new Claim("role", "customer")]);

        using var response = await browser.GetAsync("api/admin/orders");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task MyOrders_AfterTheTokenExpired_TheGatewayRefreshesAndTheApiAcceptsTheNewToken()
    {
        using var browser = await _gateway.SignInAsync("alice");
        using var first = await browser.GetAsync("api/orders/mine");
        // The first call already used the refresh token once, to get a token for the orders API's audience.
        var refreshes = _gateway.Issuer.RefreshCount;

        // The gateway's clock passes the token's expiry; the API's real clock does not (see docs/testing-kit.md).
        _gateway.Time.Advance(_gateway.Issuer.AccessTokenLifetime + TimeSpan.FromMinutes(1));
        using var second = await browser.GetAsync("api/orders/mine");

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(refreshes + 1, _gateway.Issuer.RefreshCount);
        var tokens = _api.Received.Select(r => r.Token!.Value("jti")).ToArray();
        Assert.Equal(2, tokens.Distinct().Count());
    }

    [Fact]
    public async Task MyOrders_Anonymous_401AndNothingReachesTheApi()
    {
        using var browser = _gateway.CreateBrowser();

        using var response = await browser.GetAsync("api/orders/mine");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(_api.Received);
    }
}
