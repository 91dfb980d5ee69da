using Bff.Tests.Support;
using System.Net;

namespace Bff.Tests.Antiforgery;

/// <summary>No origin is ever granted CORS: a preflight from another site is refused, and an upstream's grant is dropped.</summary>
[Collection(InProcessHostCollection.Name)]
public sealed class CorsTests : IClassFixture<ProxyGatewayFixture>
{
    private readonly ProxyGatewayFixture _gateway;

    public CorsTests(ProxyGatewayFixture gateway)
    {
        _gateway = gateway;
    }

    // /bff endpoints answer OPTIONS with routing's 405 (they map GET only); the proxied routes with the CSRF check's 403.
    [Theory]
    [InlineData("/api/orders", HttpStatusCode.Forbidden)]
    [InlineData("/hook/event", HttpStatusCode.Forbidden)]
    [InlineData("/bff/user", HttpStatusCode.MethodNotAllowed)]
    [InlineData("/bff/csrf", HttpStatusCode.MethodNotAllowed)]
    public async Task Preflight_FromForeignOrigin_NoGrant_UpstreamReceivesNothing(string path, HttpStatusCode status)
    {
        var alice = await _gateway.CreateSessionAsync("alice");
        _gateway.Upstream.ResetLogEntries();
        var preflight = new GatewayRequest(HttpMethod.Options, path)
        {
            Csrf = false,
            Cookies = [alice.Cookie],
            Origin = "https://evil.example",
            FetchSite = "cross-site",
            Headers = [("Access-Control-Request-Method", "POST"), ("Access-Control-Request-Headers", "x-csrf, x-xsrf-token, content-type")],
        };

        var response = await _gateway.Client.SendAsync(preflight.ToMessage());

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.DoesNotContain(response.Headers, h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
        Assert.Empty(_gateway.Upstream.LogEntries);
    }

    [Fact]
    public async Task Proxied_UpstreamGrantsCors_GrantDropped()
    {
        var alice = await _gateway.CreateSessionAsync("alice");
        var request = GatewayRequest.Browser("GET", "/api/orders", alice.Cookie) with { Origin = null, FetchSite = null };

        var response = await _gateway.Client.SendAsync(request.ToMessage());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(response.Headers, h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
    }
}
