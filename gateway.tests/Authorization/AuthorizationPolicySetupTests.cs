using System.Net;
using Bff.Sessions;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Bff.Tests.Authorization;

/// <summary>
/// Policies of <c>Bff:Authorization</c> named by proxied routes in YARP's <c>AuthorizationPolicy</c>, through the
/// stock host: judged on the session's claims before anything is forwarded.
/// </summary>
[Collection(InProcessHostCollection.Name)]
public sealed class AuthorizationPolicySetupTests : IAsyncLifetime
{
    private WireMockServer _upstream = null!;
    private GatewayFactory _factory = null!;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _upstream = WireMockServer.Start();
        _upstream.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200).WithBody("{\"ok\":true}"));
        var settings = GatewayFactory.BaseSettings(_upstream.Url + "/");
        settings["Bff:Authorization:Policies:admins:RequireRoles:0"] = "admin";
        settings["Bff:Authorization:Policies:sales:RequireClaims:department:0"] = "sales";
        settings["Bff:Authorization:Policies:sales:RequireClaims:department:1"] = "marketing";
        settings["ReverseProxy:Routes:admin:ClusterId"] = "api";
        settings["ReverseProxy:Routes:admin:Match:Path"] = "/admin/{**rest}";
        settings["ReverseProxy:Routes:admin:AuthorizationPolicy"] = "Admins";
        settings["ReverseProxy:Routes:sales:ClusterId"] = "api";
        settings["ReverseProxy:Routes:sales:Match:Path"] = "/sales/{**rest}";
        settings["ReverseProxy:Routes:sales:AuthorizationPolicy"] = "sales";
        settings["ReverseProxy:Routes:signedin:ClusterId"] = "api";
        settings["ReverseProxy:Routes:signedin:Match:Path"] = "/signedin/{**rest}";
        settings["ReverseProxy:Routes:signedin:AuthorizationPolicy"] = "default";
        settings["ReverseProxy:Routes:signedin:Metadata:Bff.AccessToken"] = "None";
        settings["ReverseProxy:Routes:public:ClusterId"] = "api";
        settings["ReverseProxy:Routes:public:Match:Path"] = "/public/{**rest}";
        settings["ReverseProxy:Routes:public:AuthorizationPolicy"] = "anonymous";
        settings["ReverseProxy:Routes:public:Metadata:Bff.AccessToken"] = "None";
        _factory = new GatewayFactory(settings);
        _client = _factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        _upstream.Stop();
    }

    private async Task<HttpResponseMessage> GetAsync(string path, params SessionClaim[] claims)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-CSRF", "1");
        if (claims.Length > 0)
        {
            var session = await TestSessions.SeedAsync(_factory.Services, "alice", s => s with { Claims = [.. s.Claims, .. claims] });
            request.Headers.Add("Cookie", session.Cookie);
        }

        return await _client.SendAsync(request);
    }

    [Fact]
    public async Task AdminRoute_UserWithoutTheRole_403Forbidden_UpstreamUntouched()
    {
        var response = await GetAsync("/admin/users", new SessionClaim("role", "user"), new SessionClaim("admin", "true"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
        Assert.Empty(_upstream.LogEntries);
    }

    [Fact]
    public async Task AdminRoute_Admin_Forwarded()
    {
        var response = await GetAsync("/admin/users", new SessionClaim("role", "user"), new SessionClaim("role", "admin"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entry = Assert.Single(_upstream.LogEntries);
        Assert.Equal("Bearer access-alice", entry.RequestMessage.Headers!["Authorization"].Single());
    }

    [Fact]
    public async Task AdminRoute_NoSession_401Unauthenticated_UpstreamUntouched()
    {
        var response = await GetAsync("/admin/users");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Empty(_upstream.LogEntries);
    }

    [Fact]
    public async Task ClaimsPolicy_AnyAllowedValuePasses_OthersRefused()
    {
        Assert.Equal(HttpStatusCode.OK, (await GetAsync("/sales/q", new SessionClaim("department", "marketing"))).StatusCode);

        var refused = await GetAsync("/sales/q", new SessionClaim("department", "hr"));

        await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Forbidden, "forbidden");
        Assert.Single(_upstream.LogEntries);
    }

    [Fact]
    public async Task DefaultPolicy_NeedsASessionEvenOnANoneRoute()
    {
        await ProblemAssert.IsProblemAsync(await GetAsync("/signedin/x"), HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Empty(_upstream.LogEntries);

        Assert.Equal(HttpStatusCode.OK, (await GetAsync("/signedin/x", new SessionClaim("role", "user"))).StatusCode);
    }

    [Fact]
    public async Task AnonymousPolicy_NoSession_Forwarded()
    {
        Assert.Equal(HttpStatusCode.OK, (await GetAsync("/public/x")).StatusCode);
    }
}
