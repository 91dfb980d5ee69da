using Bff.Tests.Integration.Infrastructure;
using Bff.Tests.Support;
using System.Net;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Bff.Tests.Integration.Authorization;

/// <summary>
/// A route for admins only, behind a real gateway process and the dev IdP, whose ID token carries the role claim
/// (alice is an admin, bob is not): the policy sees the roles the IdP issued.
/// </summary>
[Trait("Category", "Integration")]
public sealed class RolePolicyTests : IAsyncLifetime
{
    private static readonly KeyValuePair<string, string>[] Xhr = [new("X-CSRF", "1")];

    private WireMockServer _upstream = null!;
    private GatewayProcess _gateway = null!;

    public async Task InitializeAsync()
    {
        _upstream = WireMockServer.Start();
        _upstream.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200).WithBody("{\"ok\":true}"));
        var servers = await SharedServers.GetAsync();
        var config = GatewayConfig.Create(servers.Idp, servers.Redis, new Uri(_upstream.Url + "/"));
        config["Bff:Authorization:Policies:admins:RequireRoles:0"] = "admin";
        config["ReverseProxy:Routes:admin:ClusterId"] = "api";
        config["ReverseProxy:Routes:admin:Match:Path"] = "/admin/{**rest}";
        config["ReverseProxy:Routes:admin:AuthorizationPolicy"] = "admins";
        _gateway = await GatewayProcess.StartAsync(config);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _upstream.Stop();
    }

    private async Task<HttpResponseMessage> AdminCallAsync(string user)
    {
        using var browser = _gateway.CreateBrowser();
        using var login = await browser.LoginAsync(user, user);
        login.EnsureSuccess();
        return await browser.GetAsync("/admin/users", Xhr);
    }

    [Fact]
    public async Task AdminRoute_Bob_403Forbidden_UpstreamUntouched()
    {
        using var response = await AdminCallAsync("bob");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
        Assert.Empty(_upstream.LogEntries);
    }

    [Fact]
    public async Task AdminRoute_Alice_Forwarded()
    {
        using var response = await AdminCallAsync("alice");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(_upstream.LogEntries, e => e.RequestMessage.Path == "/admin/users");
    }
}
