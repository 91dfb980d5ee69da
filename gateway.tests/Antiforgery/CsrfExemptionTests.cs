using Bff.Antiforgery;
using Bff.Tests.Support;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Bff.Tests.Antiforgery;

/// <summary>
/// What the checks leave alone: the contract's navigations and callbacks (all checks), and proxied
/// routes with <c>Bff.Antiforgery: false</c> (X-CSRF and token; a browser's cross-site call is still refused).
/// </summary>
[Collection(InProcessHostCollection.Name)]
public sealed class CsrfExemptionTests : IClassFixture<ProxyGatewayFixture>
{
    private readonly ProxyGatewayFixture _gateway;

    public CsrfExemptionTests(ProxyGatewayFixture gateway)
    {
        _gateway = gateway;
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("DELETE")]
    public async Task OptedOutRoute_NoXCsrfNoToken_ReachesUpstreamWithToken(string method)
    {
        var alice = await _gateway.CreateSessionAsync("alice");
        _gateway.Upstream.ResetLogEntries();
        var request = GatewayRequest.Browser(method, "/hook/event", alice.Cookie) with { Csrf = false, Origin = null, FetchSite = null };

        var response = await _gateway.Client.SendAsync(request.ToMessage());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var forwarded = Assert.Single(_gateway.Upstream.LogEntries).RequestMessage;
        Assert.Equal("Bearer access-alice", Assert.Single(forwarded.Headers!["Authorization"]));
    }

    [Theory]
    [InlineData("Sec-Fetch-Site cross-site")]
    [InlineData("Sec-Fetch-Site same-site from a sibling")]
    [InlineData("foreign Origin")]
    [InlineData("Origin null")]
    public async Task OptedOutRoute_BrowserCallFromAnotherSite_403Csrf(string flaw)
    {
        var alice = await _gateway.CreateSessionAsync("alice");
        var valid = GatewayRequest.Browser("POST", "/hook/event", alice.Cookie) with { Csrf = false };
        var request = flaw switch
        {
            "Sec-Fetch-Site cross-site" => valid with { FetchSite = "cross-site", Origin = null },
            "Sec-Fetch-Site same-site from a sibling" => valid with { FetchSite = "same-site", Origin = "http://evil.localhost" },
            "foreign Origin" => valid with { Origin = "https://evil.example" },
            _ => valid with { Origin = "null" },
        };
        _gateway.Upstream.ResetLogEntries();

        var response = await _gateway.Client.SendAsync(request.ToMessage());

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "csrf");
        Assert.Empty(_gateway.Upstream.LogEntries);
    }

    [Fact]
    public async Task Login_CrossSiteTopLevelNavigation_NotJudgedByCsrf()
    {
        var request = new GatewayRequest(HttpMethod.Get, "/bff/login?returnUrl=/") { Csrf = false, FetchSite = "cross-site" };

        var response = await _gateway.Client.SendAsync(request.ToMessage());

        // The IdP of the test is unreachable: the login got as far as trying it.
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable, "idp_unavailable");
    }

    [Fact]
    public async Task SigninCallback_CrossSiteFromTheIdp_NotJudgedByCsrf()
    {
        var request = new GatewayRequest(HttpMethod.Get, "/signin-oidc?code=c&state=s") { Csrf = false, FetchSite = "cross-site", Origin = "https://idp.example" };

        var response = await _gateway.Client.SendAsync(request.ToMessage());

        // The OIDC handler, not the CSRF check, refuses a callback whose state it never issued.
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "bad_request");
    }

    [Fact]
    public async Task RequirementOf_EndpointMetadata_LastMarkerWins()
    {
        await using var app = WebApplication.CreateSlimBuilder().Build();
        var api = app.MapGroup("/bff").RequireCsrf();
        api.MapGet("/user", () => "u");
        api.MapGet("/logout", () => "l").ExemptFromCsrf();
        api.MapPost("/backchannel-logout", () => "b").ExemptFromCsrf();
        app.MapGet("/bff/login", () => "n").ExemptFromCsrf();
        app.MapGet("/healthz", () => "h");
        var exempt = app.MapGroup("/open").ExemptFromCsrf();
        exempt.MapGet("/x", () => "x").RequireCsrf();

        var endpoints = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints)
            .OfType<RouteEndpoint>()
            .ToDictionary(e => e.RoutePattern.RawText!, CsrfMiddleware.RequirementOf);

        Assert.Equal(CsrfRequirement.Full, endpoints["/bff/user"]);
        Assert.Equal(CsrfRequirement.None, endpoints["/bff/logout"]);
        Assert.Equal(CsrfRequirement.None, endpoints["/bff/backchannel-logout"]);
        Assert.Equal(CsrfRequirement.None, endpoints["/bff/login"]);
        Assert.Equal(CsrfRequirement.None, endpoints["/healthz"]);
        Assert.Equal(CsrfRequirement.Full, endpoints["/open/x"]);
        Assert.Equal(CsrfRequirement.None, CsrfMiddleware.RequirementOf(null));
    }
}
