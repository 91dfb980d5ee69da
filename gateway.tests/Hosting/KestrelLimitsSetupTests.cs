using Bff.Hosting;
using Bff.Tests.Support;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bff.Tests.Hosting;

/// <summary>Oversized requests on a real Kestrel: clean 431, 414 and 413 answers, and no Server header anywhere.</summary>
[Collection(InProcessHostCollection.Name)]
public sealed class KestrelLimitsSetupTests : IClassFixture<KestrelGatewayFixture>
{
    private const int OverBodyLimit = 11 * 1024 * 1024;

    private readonly KestrelGatewayFixture _gateway;

    public KestrelLimitsSetupTests(KestrelGatewayFixture gateway)
    {
        _gateway = gateway;
        _gateway.Upstream.ResetLogEntries();
    }

    private async Task<(TestSession Session, string Token, string AntiforgeryCookie)> SignedInAsync()
    {
        var alice = await _gateway.CreateSessionAsync("alice");
        var request = GatewayRequest.Browser("GET", "/bff/csrf", alice.Cookie) with { Origin = null, FetchSite = null };
        var response = await _gateway.Client.SendAsync(request.ToMessage());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        return (alice, token, Assert.Single(response.Headers.GetValues("Set-Cookie")).Split(';', 2)[0]);
    }

    [Theory]
    [InlineData(33 * 1024)]
    [InlineData(64 * 1024)]
    public async Task OversizedCookie_431_NoServerHeader(int size)
    {
        var response = await RawHttpResponse.SendAsync(_gateway.Port,
            $"GET /bff/user HTTP/1.1\nHost: 127.0.0.1\nX-CSRF: 1\nCookie: __Host-bff={new string('A', size)}\n");

        Assert.Equal(431, response.Status);
        Assert.False(response.Headers.ContainsKey("Server"));
        Assert.Empty(_gateway.Upstream.LogEntries);
    }

    [Fact]
    public async Task ManyHeadersOverTotal_431()
    {
        var headers = string.Concat(Enumerable.Range(0, 40).Select(i => $"X-Filler-{i}: {new string('x', 1000)}\n"));

        var response = await RawHttpResponse.SendAsync(_gateway.Port, $"GET /api/data HTTP/1.1\nHost: 127.0.0.1\nX-CSRF: 1\n{headers}");

        Assert.Equal(431, response.Status);
        Assert.Empty(_gateway.Upstream.LogEntries);
    }

    [Fact]
    public async Task EightKilobyteCookie_ReachesTheAppAnd401s()
    {
        var response = await RawHttpResponse.SendAsync(_gateway.Port,
            $"GET /bff/user HTTP/1.1\nHost: 127.0.0.1\nX-CSRF: 1\nConnection: close\nCookie: __Host-bff={new string('A', 8 * 1024)}\n");

        Assert.Equal(401, response.Status);
        Assert.Contains("\"code\":\"unauthenticated\"", response.Body, StringComparison.Ordinal);
        Assert.Equal("no-store", response.Headers["Cache-Control"]);
    }

    [Fact]
    public async Task OverlongRequestLine_414_NoServerHeader()
    {
        var response = await RawHttpResponse.SendAsync(_gateway.Port,
            $"GET /api/{new string('a', 9 * 1024)} HTTP/1.1\nHost: 127.0.0.1\nX-CSRF: 1\n");

        Assert.Equal(414, response.Status);
        Assert.False(response.Headers.ContainsKey("Server"));
        Assert.Empty(_gateway.Upstream.LogEntries);
    }

    [Fact]
    public async Task DeclaredBodyOverLimit_413Problem_BeforeUpstreamOrBody()
    {
        var (alice, token, antiforgeryCookie) = await SignedInAsync();

        // The body is declared and never sent: the answer must come from the headers alone.
        var response = await RawHttpResponse.SendAsync(_gateway.Port,
            $"POST /api/upload HTTP/1.1\nHost: 127.0.0.1\nConnection: close\nX-CSRF: 1\nX-XSRF-TOKEN: {token}\n" +
            $"Cookie: {alice.Cookie}; {antiforgeryCookie}\nContent-Type: application/octet-stream\nContent-Length: {OverBodyLimit}\n");

        Assert.Equal(413, response.Status);
        Assert.StartsWith("application/problem+json", response.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Contains("\"code\":\"bad_request\"", response.Body, StringComparison.Ordinal);
        Assert.Equal("no-store", response.Headers["Cache-Control"]);
        Assert.False(response.Headers.ContainsKey("Server"));
        Assert.Empty(_gateway.Upstream.LogEntries);
    }

    [Fact]
    public async Task ChunkedBodyOverLimit_413Problem_Never5xx()
    {
        var (alice, token, antiforgeryCookie) = await SignedInAsync();
        var request = GatewayRequest.Browser("POST", "/api/upload", alice.Cookie, antiforgeryCookie) with { Token = token, Origin = null, FetchSite = null };
        var message = request.ToMessage();
        message.Content = new StreamContent(new MemoryStream(new byte[OverBodyLimit]));
        message.Headers.TransferEncodingChunked = true;

        var response = await _gateway.Client.SendAsync(message);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"{(int)response.StatusCode}: {text}");
        Assert.Contains("\"code\":\"bad_request\"", text, StringComparison.Ordinal);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        await ProblemAssert.HasNoInternalsAsync(response);
    }

    [Fact]
    public async Task BodyUnderLimit_ReachesUpstream_NoServerHeader()
    {
        var (alice, token, antiforgeryCookie) = await SignedInAsync();
        var request = GatewayRequest.Browser("POST", "/api/upload", alice.Cookie, antiforgeryCookie) with { Token = token, Origin = null, FetchSite = null };
        var message = request.ToMessage();
        message.Content = new ByteArrayContent(new byte[1024 * 1024]);

        var response = await _gateway.Client.SendAsync(message);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Server"));
        Assert.Equal(1024 * 1024, Assert.Single(_gateway.Upstream.LogEntries).RequestMessage.BodyAsBytes!.Length);
    }

    [Fact]
    public async Task Trace_405_NotEchoed()
    {
        var response = await RawHttpResponse.SendAsync(_gateway.Port,
            "TRACE /api/data HTTP/1.1\nHost: 127.0.0.1\nConnection: close\nX-CSRF: 1\nCookie: __Host-bff=secret-value\n");

        Assert.Equal(405, response.Status);
        Assert.DoesNotContain("secret-value", response.Body, StringComparison.Ordinal);
        Assert.Empty(_gateway.Upstream.LogEntries);
    }

    [Fact]
    public async Task Proxied_XForwardedForIsTheRealPeer()
    {
        var alice = await _gateway.CreateSessionAsync("alice");
        var request = GatewayRequest.Browser("GET", "/api/data", alice.Cookie) with { Origin = null, FetchSite = null, Headers = [("X-Forwarded-For", "6.6.6.6")] };

        var response = await _gateway.Client.SendAsync(request.ToMessage());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var forwarded = Assert.Single(_gateway.Upstream.LogEntries).RequestMessage.Headers!;
        Assert.Equal("127.0.0.1", Assert.Single(forwarded["X-Forwarded-For"]));
    }

    [Fact]
    public async Task Host_ConfiguredLimit_WinsOverTheGatewaysDefault()
    {
        var settings = GatewayFactory.BaseSettings();
        settings["Kestrel:Limits:MaxRequestBodySize"] = "1000";
        await using var factory = new GatewayFactory(settings);
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        factory.StartServer();

        var limits = factory.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits;

        Assert.Equal(1000, limits.MaxRequestBodySize);
        Assert.Equal(KestrelLimitsSetup.MaxRequestLineSize, limits.MaxRequestLineSize);
    }

    [Fact]
    public void LimitsSetup_Defaults_ApplyUnlessConfigured()
    {
        var defaults = new KestrelServerOptions();
        new KestrelLimitsSetup(new ConfigurationBuilder().Build()).Configure(defaults);
        Assert.Equal(32 * 1024, defaults.Limits.MaxRequestHeadersTotalSize);
        Assert.Equal(8 * 1024, defaults.Limits.MaxRequestLineSize);
        Assert.Equal(10 * 1024 * 1024, defaults.Limits.MaxRequestBodySize);

        var configured = new KestrelServerOptions();
        new KestrelLimitsSetup(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Kestrel:Limits:MaxRequestBodySize"] = "50000000",
                ["Kestrel:Limits:MaxRequestHeaderCount"] = "50",
            })
            .Build()).Configure(configured);
        Assert.Equal(50_000_000, configured.Limits.MaxRequestBodySize);
        Assert.Equal(50, configured.Limits.MaxRequestHeaderCount);
        Assert.Equal(8 * 1024, configured.Limits.MaxRequestLineSize);
    }
}
