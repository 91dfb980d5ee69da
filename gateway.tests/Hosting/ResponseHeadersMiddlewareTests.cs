using Bff.Sessions;
using Bff.Tests.Support;
using System.Net;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bff.Tests.Hosting;

/// <summary>
/// The contract's headers on every kind of answer under /bff and on proxied routes, whoever produced it:
/// an endpoint, the CSRF check, the exception handler, the proxy, or an upstream that asks to be cached.
/// </summary>
[Collection(InProcessHostCollection.Name)]
public sealed class ResponseHeadersMiddlewareTests : IClassFixture<ProxyGatewayFixture>
{
    private readonly ProxyGatewayFixture _gateway;

    public ResponseHeadersMiddlewareTests(ProxyGatewayFixture gateway)
    {
        _gateway = gateway;
    }

    internal static void AssertContractHeaders(HttpResponseMessage response, bool antiforgeryCookieAllowed = false)
    {
        var status = (int)response.StatusCode;
        Assert.True("no-store" == response.Headers.CacheControl?.ToString(), $"{status}: Cache-Control {response.Headers.CacheControl}");
        Assert.Equal("no-cache", Assert.Single(response.Headers.Pragma).ToString());
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.False(response.Headers.Contains("Server"), $"{status}: Server header");
        Assert.Null(response.Content.Headers.Expires);
        Assert.DoesNotContain(response.Headers, h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
        if (response.Headers.TryGetValues("Set-Cookie", out var cookies))
        {
            Assert.True(antiforgeryCookieAllowed, $"{status}: Set-Cookie {string.Join(" | ", cookies)}");
            Assert.All(cookies, c => Assert.StartsWith("__Host-bff-af=", c, StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("200 /bff/user", HttpStatusCode.OK)]
    [InlineData("200 /bff/csrf", HttpStatusCode.OK)]
    [InlineData("401 /bff/user", HttpStatusCode.Unauthorized)]
    [InlineData("403 /bff/user without X-CSRF", HttpStatusCode.Forbidden)]
    [InlineData("404 under /bff", HttpStatusCode.NotFound)]
    [InlineData("405 TRACE under /bff", HttpStatusCode.MethodNotAllowed)]
    [InlineData("503 /bff/login with the IdP down", HttpStatusCode.ServiceUnavailable)]
    [InlineData("200 proxied, upstream asks to be cached", HttpStatusCode.OK)]
    [InlineData("200 proxied HEAD", HttpStatusCode.OK)]
    [InlineData("401 proxied", HttpStatusCode.Unauthorized)]
    [InlineData("403 proxied", HttpStatusCode.Forbidden)]
    public async Task Response_AnyKind_CarriesContractHeaders(string kind, HttpStatusCode status)
    {
        var alice = await _gateway.CreateSessionAsync("alice");
        var request = kind switch
        {
            "200 /bff/user" => GatewayRequest.Browser("GET", "/bff/user", alice.Cookie),
            "200 /bff/csrf" => GatewayRequest.Browser("GET", "/bff/csrf", alice.Cookie),
            "401 /bff/user" => GatewayRequest.Browser("GET", "/bff/user"),
            "403 /bff/user without X-CSRF" => GatewayRequest.Browser("GET", "/bff/user", alice.Cookie) with { Csrf = false },
            "404 under /bff" => GatewayRequest.Browser("GET", "/bff/no-such-thing", alice.Cookie),
            "405 TRACE under /bff" => GatewayRequest.Browser("TRACE", "/bff/user", alice.Cookie),
            "503 /bff/login with the IdP down" => GatewayRequest.Browser("GET", "/bff/login"),
            "200 proxied, upstream asks to be cached" => GatewayRequest.Browser("GET", "/api/data", alice.Cookie),
            "200 proxied HEAD" => GatewayRequest.Browser("HEAD", "/api/data", alice.Cookie),
            "401 proxied" => GatewayRequest.Browser("GET", "/api/data"),
            "403 proxied" => GatewayRequest.Browser("POST", "/api/data", alice.Cookie),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };

        var response = await _gateway.Client.SendAsync(request.ToMessage());

        Assert.Equal(status, response.StatusCode);
        AssertContractHeaders(response, antiforgeryCookieAllowed: kind == "200 /bff/csrf");
    }

    [Theory]
    [InlineData("/bff/user")]
    [InlineData("/bff/csrf")]
    [InlineData("/api/data")]
    public async Task Response_SessionStoreDown_503ProblemWithContractHeaders(string path)
    {
        var response = await SendWithSessionStoreAsync(UnavailableSessionStore.Create(), path);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable, "session_store_unavailable");
        await ProblemAssert.HasNoInternalsAsync(response);
        Assert.NotNull(response.Headers.RetryAfter);
        AssertContractHeaders(response);
        Assert.Empty(_gateway.Upstream.LogEntries);
    }

    [Theory]
    [InlineData("/bff/user")]
    [InlineData("/api/data")]
    public async Task Response_UnexpectedError_500ProblemWithContractHeaders(string path)
    {
        var response = await SendWithSessionStoreAsync(BrokenSessionStore.Create(), path);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.InternalServerError, "internal_error");
        await ProblemAssert.HasNoInternalsAsync(response);
        Assert.DoesNotContain(BrokenSessionStore.Secret, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        AssertContractHeaders(response);
        Assert.Empty(_gateway.Upstream.LogEntries);
    }

    /// <summary>A GET with a session cookie to a gateway of its own whose session store is <paramref name="store"/>.</summary>
    private async Task<HttpResponseMessage> SendWithSessionStoreAsync(ISessionStore store, string path)
    {
        await using var factory = new GatewayFactory(GatewayFactory.BaseSettings(_gateway.Upstream.Url + "/"))
            .WithWebHostBuilder(b => b.ConfigureTestServices(s => s.Replace(ServiceDescriptor.Singleton(store))));
        using var client = factory.CreateClient();
        var cookie = factory.Services.GetRequiredService<SessionCookie>();
        _gateway.Upstream.ResetLogEntries();

        var response = await client.SendAsync(
            GatewayRequest.Browser("GET", path, $"{cookie.Name}={cookie.Protect(SessionCookie.NewSecret())}").ToMessage());
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    [Fact]
    public async Task Response_SessionStoreDown_StaticFilesStillServed()
    {
        await using var factory = new GatewayFactory(GatewayFactory.BaseSettings())
            .WithWebHostBuilder(b => b.ConfigureTestServices(s => s.Replace(ServiceDescriptor.Singleton(UnavailableSessionStore.Create()))));
        using var client = factory.CreateClient();
        var cookie = factory.Services.GetRequiredService<SessionCookie>();

        var response = await client.SendAsync(GatewayRequest.Browser("GET", "/", $"{cookie.Name}={cookie.Protect(SessionCookie.NewSecret())}").ToMessage());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Response_DeadUpstream_502WithContractHeaders()
    {
        // Nothing listens on port 9.
        await using var factory = new GatewayFactory(GatewayFactory.BaseSettings("http://127.0.0.1:9/"));
        using var client = factory.CreateClient();

        var response = await client.SendAsync(GatewayRequest.Browser("GET", "/open/data").ToMessage());

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        AssertContractHeaders(response);
        await ProblemAssert.HasNoInternalsAsync(response);
    }

    [Fact]
    public async Task Response_Proxied_UpstreamCachingCookieAndCorsHeadersNeverReachBrowser()
    {
        var alice = await _gateway.CreateSessionAsync("alice");

        var response = await _gateway.Client.SendAsync(GatewayRequest.Browser("GET", "/api/data", alice.Cookie).ToMessage());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"ok\":true}", await response.Content.ReadAsStringAsync());
        Assert.False(response.Headers.Contains("Set-Cookie"));
        Assert.False(response.Headers.CacheControl!.Public);
        Assert.Null(response.Headers.CacheControl.MaxAge);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
        Assert.False(response.Headers.Contains("Server"));
    }
}
