using Bff.Tests.Support;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Bff.Tests.Endpoints;

[Collection(InProcessHostCollection.Name)]
public sealed class CsrfEndpointTests : IClassFixture<ProxyGatewayFixture>
{
    private readonly ProxyGatewayFixture _gateway;

    public CsrfEndpointTests(ProxyGatewayFixture gateway)
    {
        _gateway = gateway;
    }

    [Fact]
    public async Task Csrf_Session_ReturnsTokenAndHeaderName_SetsHostAntiforgeryCookie()
    {
        var alice = await _gateway.CreateSessionAsync("alice");

        var response = await _gateway.Client.SendAsync(GatewayRequest.Browser("GET", "/bff/csrf", alice.Cookie).ToMessage());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("X-XSRF-TOKEN", body.GetProperty("headerName").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("token").GetString()));
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("__Host-bff-af=", cookie, StringComparison.Ordinal);
        var attributes = cookie.Split(';', StringSplitOptions.TrimEntries).Skip(1).Select(a => a.ToLowerInvariant()).ToList();
        Assert.Contains("path=/", attributes);
        Assert.Contains("secure", attributes);
        Assert.Contains("httponly", attributes);
        Assert.Contains("samesite=strict", attributes);
        Assert.DoesNotContain(attributes, a => a.StartsWith("domain", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Csrf_BrowserAlreadyHoldsCookie_KeepsIt()
    {
        var alice = await _gateway.CreateSessionAsync("alice");
        var (_, antiforgeryCookie) = await _gateway.FetchTokenAsync(alice);

        var response = await _gateway.Client.SendAsync(GatewayRequest.Browser("GET", "/bff/csrf", alice.Cookie, antiforgeryCookie).ToMessage());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task Csrf_NoSession_401Unauthenticated_NoCookie()
    {
        var response = await _gateway.Client.SendAsync(GatewayRequest.Browser("GET", "/bff/csrf").ToMessage());

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task Csrf_EndedSession_401SessionExpired()
    {
        var alice = await _gateway.CreateSessionAsync("alice");
        await alice.EndAsync(_gateway.Services);

        var response = await _gateway.Client.SendAsync(GatewayRequest.Browser("GET", "/bff/csrf", alice.Cookie).ToMessage());

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "session_expired");
    }

    [Theory]
    [InlineData("no X-CSRF")]
    [InlineData("Sec-Fetch-Site cross-site")]
    [InlineData("foreign Origin")]
    public async Task Csrf_ItselfProtected_403Csrf_NoToken(string flaw)
    {
        var alice = await _gateway.CreateSessionAsync("alice");
        var valid = GatewayRequest.Browser("GET", "/bff/csrf", alice.Cookie);
        var request = flaw switch
        {
            "no X-CSRF" => valid with { Csrf = false },
            "Sec-Fetch-Site cross-site" => valid with { FetchSite = "cross-site" },
            _ => valid with { Origin = "https://evil.example" },
        };

        var response = await _gateway.Client.SendAsync(request.ToMessage());

        var body = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "csrf");
        Assert.False(body.TryGetProperty("token", out _));
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }
}
