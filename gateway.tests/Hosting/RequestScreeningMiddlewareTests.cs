using Bff.Configuration;
using Bff.Frontends;
using Bff.Hosting;
using Bff.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using System.Net;

namespace Bff.Tests.Hosting;

[Collection(InProcessHostCollection.Name)]
public sealed class RequestScreeningMiddlewareTests : IClassFixture<ProxyGatewayFixture>, IClassFixture<KestrelGatewayFixture>
{
    private readonly ProxyGatewayFixture _gateway;
    private readonly KestrelGatewayFixture _kestrel;

    public RequestScreeningMiddlewareTests(ProxyGatewayFixture gateway, KestrelGatewayFixture kestrel)
    {
        _gateway = gateway;
        _kestrel = kestrel;
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

    [Theory]
    [InlineData("/api/data")]
    [InlineData("/hook/data")]
    [InlineData("/open/data")]
    [InlineData("/bff/user")]
    [InlineData("/")]
    public async Task Connect_405Problem_UpstreamReceivesNothing(string path)
    {
        var alice = await _gateway.CreateSessionAsync("alice");
        _gateway.Upstream.ResetLogEntries();

        var response = await _gateway.Client.SendAsync(GatewayRequest.Browser("CONNECT", path, alice.Cookie).ToMessage());

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"code\":\"bad_request\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("CONNECT", response.Content.Headers.Allow);
        Assert.Contains("GET", response.Content.Headers.Allow);
        Assert.Empty(_gateway.Upstream.LogEntries);
    }

    [Theory]
    [InlineData("/open/x", "127.0.0.1")]
    [InlineData("upstream.example:443", "upstream.example:443")]
    public async Task Connect_OverTheWire_405Problem_UpstreamReceivesNothing(string target, string host)
    {
        _kestrel.Upstream.ResetLogEntries();

        // Kestrel takes a CONNECT in origin form as it comes; in authority form, with a Host that matches it.
        var response = await RawHttpResponse.SendAsync(_kestrel.Port,
            $"CONNECT {target} HTTP/1.1\nHost: {host}\nX-CSRF: 1\nConnection: close\n");

        Assert.Equal(405, response.Status);
        Assert.Equal("application/problem+json", response.Headers["Content-Type"]);
        Assert.Contains("\"code\":\"bad_request\"", response.Body, StringComparison.Ordinal);
        Assert.Contains("GET", response.Headers["Allow"], StringComparison.Ordinal);
        Assert.Empty(_kestrel.Upstream.LogEntries);
    }

    [Fact]
    public async Task ExtendedConnect_IsNoTunnel_PassesScreening()
    {
        // HTTP/2 WebSockets arrive as CONNECT with :protocol (RFC 8441); routing matches them to GET endpoints.
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Connect;
        context.Features.Set<IHttpExtendedConnectFeature>(new ExtendedConnect());
        var passed = false;
        var screening = Screening(new BffOptions(), () => passed = true);

        await screening.InvokeAsync(context);

        Assert.True(passed);
    }

    [Fact]
    public async Task ScreeningAnApiCall_CreatesNoRequestServiceScope()
    {
        // Asking the request's services for anything creates a service scope, disposed when the request ends: a cost
        // on every request for what the middleware can hold itself.
        var options = new BffOptions { ClientId = "bff" };
        var context = new DefaultHttpContext();
        var services = new CountingRequestServices();
        context.Features.Set<IServiceProvidersFeature>(services);
        context.Request.Method = HttpMethods.Get;
        context.Request.Headers.Cookie = $"{options.Cookie.Name}=v; {options.AntiforgeryCookieName}=t";
        var passed = false;

        await Screening(options, () => passed = true).InvokeAsync(context);

        Assert.True(passed);
        Assert.Equal(0, services.Asked);
    }

    private static RequestScreeningMiddleware Screening(BffOptions options, Action onPassed)
    {
        var wrapped = Options.Create(options);
        return new RequestScreeningMiddleware(_ => { onPassed(); return Task.CompletedTask; }, wrapped, new FrontendCatalog(wrapped));
    }

    private sealed class ExtendedConnect : IHttpExtendedConnectFeature
    {
        public bool IsExtendedConnect => true;

        public string? Protocol => "websocket";

        public ValueTask<Stream> AcceptAsync() => throw new NotSupportedException();
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
