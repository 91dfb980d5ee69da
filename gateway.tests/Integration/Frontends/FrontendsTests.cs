using Bff.Tests.Integration.Infrastructure;
using System.Globalization;
using System.Net;
using static Bff.Tests.Integration.Lifecycle.LifecycleGateways;

namespace Bff.Tests.Integration.Frontends;

/// <summary>
/// Two frontends of one gateway process on two origins (127.0.0.1, the top-level client; 127.0.0.2, the admin
/// console with its own client), real Redis and the dev IdP with both clients registered.
/// </summary>
[Trait("Category", "Integration")]
public sealed class FrontendsTests
{
    [Fact]
    public async Task TwoFrontends_LoginCookiesLogoutBackchannelAndRoutesStayApart()
    {
        var shared = await SharedServers.GetAsync();
        var port = FreePort.Next();
        var backchannel = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/bff/backchannel-logout"));
        await using var idp = await DevIdp.StartAsync(new DevIdpOptions { BackchannelLogoutUri = backchannel });
        var config = Config(idp, shared.Redis);
        config["Bff:Frontends:admin:Origin"] = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.2:{port}");
        config["Bff:Frontends:admin:ClientId"] = "bff-admin";
        config["Bff:Frontends:admin:ClientSecret"] = "bff-admin-secret";
        config["ReverseProxy:Routes:adminonly:ClusterId"] = "nowhere";
        config["ReverseProxy:Routes:adminonly:Match:Path"] = "/admin-api/{**rest}";
        config["ReverseProxy:Routes:adminonly:Metadata:Bff.Frontends"] = "admin";
        config["ReverseProxy:Clusters:nowhere:Destinations:d1:Address"] = "http://127.0.0.1:9/";
        await using var gateway = await GatewayProcess.StartAsync(new GatewayStartOptions
        {
            Config = config,
            Port = port,
            Hosts = ["127.0.0.1", "127.0.0.2"],
            StartTimeout = TimeSpan.FromSeconds(90),
        });
        await WaitForSessionCacheAsync(gateway);
        var adminOrigin = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.2:{port}/"));

        // One browser (one IdP session) on both origins; its jar sends every cookie to both, as a sibling-host
        // cookie would be: the frontends tell them apart by name and by the session's frontend.
        using var customer = gateway.CreateBrowser();
        using var customerLogin = await customer.LoginAsync("alice", "alice");
        customerLogin.EnsureSuccess();
        using var admin = customer.WithBaseAddress(adminOrigin);

        // Signing in to the customer frontend does not sign in the admin one.
        Assert.Equal(HttpStatusCode.Unauthorized, (await UserAsync(admin)).Status);
        using var adminLogin = await admin.LoginAsync("alice", "alice");
        adminLogin.EnsureSuccess();
        var adminId = await SessionIdAsync(admin);
        var customerId = await SessionIdAsync(customer);
        Assert.NotEqual(adminId, customerId);

        // The admin cookie under the customer's cookie name is not a customer session.
        using var planted = gateway.CreateBrowser();
        planted.Cookies.Set("__Host-bff", customer.Cookies.Get("__Host-bff-admin")!);
        var (plantedStatus, plantedBody) = await UserAsync(planted);
        Assert.Equal(HttpStatusCode.Unauthorized, plantedStatus);
        Assert.Equal("unauthenticated", plantedBody.GetProperty("code").GetString());

        // A route limited to the admin frontend does not exist for the customer one.
        using var hidden = await customer.GetAsync("/admin-api/x", Xhr);
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        using var reachable = await admin.GetAsync("/admin-api/x", Xhr);
        Assert.NotEqual(HttpStatusCode.NotFound, reachable.StatusCode);

        // Logging out of the admin frontend leaves the customer one signed in.
        using var csrf = await admin.GetAsync("/bff/csrf", Xhr);
        var token = System.Text.Json.JsonDocument.Parse(await csrf.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;
        using var logout = await admin.PostAsync("/bff/logout", null, [.. Xhr, new("X-XSRF-TOKEN", token)]);
        Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await UserAsync(admin)).Status);
        Assert.Equal(HttpStatusCode.OK, (await UserAsync(customer)).Status);

        // Back in to the admin console (the IdP session signs it in), then the IdP session ends: both go.
        using var again = await admin.LoginAsync("alice", "alice");
        again.EnsureSuccess();
        Assert.False(again.LoginFormSubmitted);
        await SessionIdAsync(admin);
        var postLogout = Uri.EscapeDataString(new Uri(gateway.BaseAddress, "/signout-callback-oidc").ToString());
        using var idpLogout = await customer.LogoutAtIdpAsync($"{idp.Issuer}/session/end?client_id={idp.ClientId}&post_logout_redirect_uri={postLogout}");

        await WaitForSessionExpiredAsync([customer, admin]);
    }
}
