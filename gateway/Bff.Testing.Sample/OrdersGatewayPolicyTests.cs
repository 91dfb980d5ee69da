using System.Net;
using System.Security.Claims;
using Bff.Testing;

namespace Shop.ContractTests;

/// <summary>
/// The admin route guarded by the gateway itself (YARP's <c>AuthorizationPolicy</c> with a policy of
/// <c>Bff:Authorization:Policies</c>), so that a customer's request never reaches the API.
/// </summary>
public sealed class OrdersGatewayPolicyTests : IAsyncLifetime
{
    private BffTestGateway _gateway = null!;

    public async Task InitializeAsync() =>
        _gateway = await BffTestGateway.StartAsync(options =>
        {
            options.Configuration = GatewayConfiguration.Load();
            options.Settings["ReverseProxy:Routes:orders-admin:AuthorizationPolicy"] = "admins";
            options.Settings["Bff:Authorization:Policies:admins:RequireRoles:0"] = "admin";
            options.MockUpstream("orders");
        });

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task AdminRoute_Customer_403ForbiddenAndNothingReachesTheApi()
    {
        using var browser = await _gateway.SignInAsync("bob", [new Claim("role", "customer")]);

        using var response = await browser.GetAsync("api/admin/orders");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("\"forbidden\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(_gateway.ReceivedBy("orders"));
    }

    [Fact]
    public async Task AdminRoute_Admin_ReachesTheApi()
    {
        _gateway.Upstream("orders").Given(WireMock.RequestBuilders.Request.Create().WithPath("/admin/orders"))
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(200));
        using var browser = await _gateway.SignInAsync("ada", [new Claim("role", "admin")]);

        using var response = await browser.GetAsync("api/admin/orders");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(_gateway.ReceivedBy("orders"));
    }
}
