using Bff.Tests.Support;
using System.Net;

namespace Bff.Tests.Hosting;

[Collection(InProcessHostCollection.Name)]
public sealed class RequestScreeningMiddlewareTests : IClassFixture<ProxyGatewayFixture>
{
    private readonly ProxyGatewayFixture _gateway;

    public RequestScreeningMiddlewareTests(ProxyGatewayFixture gateway)
    {
        _gateway = gateway;
    }

    [Theory]
    [InlineData("TRACE", "/api/data")]
    [InlineData("TRACK", "/api/data")]
    [InlineData("TRACE", "/hook/data")]
    [InlineData("TRACE", "/bff/user")]
    [InlineData("TRACE", "/")]
    [InlineData("trace", "/api/data")]
    public async Task TraceAndTrack_405Problem_UpstreamReceivesNothing(string method, string path)
    {
        var alice = await _gateway.CreateSessionAsync("alice");
        _gateway.Upstream.ResetLogEntries();

        var response = await _gateway.Client.SendAsync(GatewayRequest.Browser(method, path, alice.Cookie).ToMessage());

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"code\":\"bad_request\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("TRACE", response.Content.Headers.Allow);
        Assert.Contains("GET", response.Content.Headers.Allow);
        Assert.Empty(_gateway.Upstream.LogEntries);
    }

    [Fact]
    public async Task ClientForwardingHeaders_NotPassedUpstreamAsSent()
    {
        var alice = await _gateway.CreateSessionAsync("alice");
        _gateway.Upstream.ResetLogEntries();
        var request = GatewayRequest.Browser("GET", "/api/data", alice.Cookie) with
        {
            Headers =
            [
                ("X-Forwarded-For", "6.6.6.6"),
                ("X-Forwarded-Host", "evil.example"),
                ("X-Forwarded-Proto", "gopher"),
                ("X-Forwarded-Prefix", "/evil"),
                ("X-Forwarded-Port", "6666"),
                ("Forwarded", "for=6.6.6.6;host=evil.example;proto=https"),
                ("X-Real-IP", "6.6.6.6"),
                ("X-Client-IP", "6.6.6.6"),
                ("True-Client-IP", "6.6.6.6"),
                ("X-Original-URL", "/admin"),
                ("X-Original-For", "6.6.6.6"),
                ("X-Original-Host", "evil.example"),
                ("X-Rewrite-URL", "/admin"),
            ],
        };

        var response = await _gateway.Client.SendAsync(request.ToMessage());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var headers = Assert.Single(_gateway.Upstream.LogEntries).RequestMessage.Headers!;
        var sent = string.Join("\n", headers.Select(h => h.Key + ": " + string.Join(",", h.Value)));
        Assert.DoesNotContain("6.6.6.6", sent, StringComparison.Ordinal);
        Assert.DoesNotContain("evil", sent, StringComparison.Ordinal);
        Assert.DoesNotContain("gopher", sent, StringComparison.Ordinal);
        Assert.DoesNotContain("6666", sent, StringComparison.Ordinal);
        Assert.DoesNotContain("/admin", sent, StringComparison.Ordinal);
        foreach (var name in new[] { "Forwarded", "X-Real-IP", "X-Client-IP", "True-Client-IP", "X-Original-URL", "X-Original-For", "X-Original-Host", "X-Rewrite-URL", "X-Forwarded-Prefix", "X-Forwarded-Port" })
        {
            Assert.False(headers.ContainsKey(name), name + " reached the upstream");
        }

        // The proxy's own view of the request replaces the client's.
        Assert.Equal("http", Assert.Single(headers["X-Forwarded-Proto"]));
        Assert.Equal("localhost", Assert.Single(headers["X-Forwarded-Host"]));
    }
}
