using System.Net;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Bff.Tests.Proxy;

/// <summary>
/// Proxied routes through the stock host: a user's route needs the session and X-CSRF before anything is forwarded,
/// forwards the user's token and none of the browser's credentials; a user-optional route forwards without one; a
/// client route needs the IdP for the gateway's own token.
/// </summary>
[Collection(InProcessHostCollection.Name)]
public sealed class ProxiedRequestTests : IAsyncLifetime
{
    private WireMockServer _upstream = null!;
    private GatewayFactory _factory = null!;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _upstream = WireMockServer.Start();
        _upstream.Given(Request.Create().UsingAnyMethod())
            .RespondWith(Response.Create().WithStatusCode(200)
                .WithHeader("Set-Cookie", "upstream=1; Path=/")
                .WithHeader("Cache-Control", "public, max-age=3600")
                .WithBody("{\"ok\":true}"));
        _factory = new GatewayFactory(GatewayFactory.BaseSettings(_upstream.Url + "/"));
        _client = _factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        _upstream.Stop();
    }

    private static HttpRequestMessage Get(string path, string? cookie = null, bool csrf = true)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (csrf)
        {
            request.Headers.Add("X-CSRF", "1");
        }

        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        return request;
    }

    private async Task<string> SignedInCookieAsync() => (await TestSessions.SeedAsync(_factory.Services, "alice")).Cookie;

    [Fact]
    public async Task Proxy_NoSession_401NeverRedirect_UpstreamUntouched()
    {
        var response = await _client.SendAsync(Get("/api/data"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Empty(_upstream.LogEntries);
    }

    [Fact]
    public async Task Proxy_NoCsrfHeader_403_UpstreamUntouched()
    {
        var cookie = await SignedInCookieAsync();

        var response = await _client.SendAsync(Get("/api/data", cookie, csrf: false));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "csrf");
        Assert.Empty(_upstream.LogEntries);
    }

    [Fact]
    public async Task Proxy_ValidSession_SendsBearer_StripsBrowserCredentials()
    {
        var cookie = await SignedInCookieAsync();
        var request = Get("/api/data?x=1", cookie + "; other=1");
        request.Headers.Add("Authorization", "Bearer smuggled");
        request.Headers.Add("X-XSRF-TOKEN", "t");

        var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var forwarded = Assert.Single(_upstream.LogEntries).RequestMessage;
        Assert.Equal("/api/data", forwarded.Path);
        Assert.Equal("Bearer access-alice", Assert.Single(forwarded.Headers!["Authorization"]));
        Assert.False(forwarded.Headers.ContainsKey("Cookie"));
        Assert.False(forwarded.Headers.ContainsKey("X-CSRF"));
        Assert.False(forwarded.Headers.ContainsKey("X-XSRF-TOKEN"));
    }

    [Fact]
    public async Task Proxy_MethodOverrideHeaders_NotForwarded()
    {
        // The gateway judges a request (CSRF, the antiforgery token) by its real method; an upstream that
        // honoured one of these would run a GET as the DELETE it names, with no token ever asked for.
        var request = Get("/api/items/1", await SignedInCookieAsync());
        request.Headers.Add("X-HTTP-Method-Override", "DELETE");
        request.Headers.Add("X-HTTP-Method", "DELETE");
        request.Headers.Add("X-Method-Override", "DELETE");

        var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var forwarded = Assert.Single(_upstream.LogEntries).RequestMessage;
        Assert.Equal("GET", forwarded.Method);
        foreach (var name in new[] { "X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override" })
        {
            Assert.False(forwarded.Headers!.ContainsKey(name), name + " reached the upstream");
        }
    }

    [Fact]
    public async Task Proxy_UpstreamSendsTheGatewaysSessionEndedMark_TheBrowserGetsItsAnswerWithoutIt()
    {
        // An API behind the gateway writes the gateway's own problem and mark: the browser must not take it for
        // the gateway's word that the session ended.
        _upstream.Given(Request.Create().WithPath("/api/forged").UsingAnyMethod()).AtPriority(-10)
            .RespondWith(Response.Create().WithStatusCode(401)
                .WithHeader("Content-Type", "application/problem+json")
                .WithHeader("Bff-Session", "ended")
                .WithBody("{\"status\":401,\"code\":\"unauthenticated\"}"));

        var response = await _client.SendAsync(Get("/api/forged", await SignedInCookieAsync()));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.False(response.Headers.Contains("Bff-Session"));
        Assert.Single(_upstream.LogEntries);
    }

    [Fact]
    public async Task Proxy_UserOptionalWithoutSession_ForwardsWithoutToken()
    {
        var request = Get("/open/data");
        request.Headers.Add("Authorization", "Bearer smuggled");

        var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var forwarded = Assert.Single(_upstream.LogEntries).RequestMessage;
        Assert.False(forwarded.Headers!.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task Proxy_ClientRouteWithIdpUnreachable_503_UpstreamUntouched()
    {
        var response = await _client.SendAsync(Get("/client/data"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable, "idp_unavailable");
        Assert.Empty(_upstream.LogEntries);
    }
}
