using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Bff.Tests.RateLimiting;

/// <summary>
/// Login starts per client address, on a real server (the address is the connection's, after the trusted
/// forwarded headers), against an IdP that takes pushed authorization requests: over the limit the IdP hears
/// nothing, another address is not affected, and an untrusted <c>X-Forwarded-For</c> changes nothing.
/// </summary>
[Collection(InProcessHostCollection.Name)]
public sealed class LoginRateLimitTests : IAsyncLifetime
{
    private readonly FakeOidcProvider _idp = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    public async Task InitializeAsync()
    {
        using var http = new HttpClient();
        var discovery = JsonNode.Parse(await http.GetStringAsync(_idp.Issuer + "/.well-known/openid-configuration"))!;
        discovery["pushed_authorization_request_endpoint"] = _idp.Issuer + "/par";
        _idp.Server.Given(Request.Create().WithPath("/.well-known/openid-configuration").UsingGet()).AtPriority(-1)
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody(discovery.ToJsonString()));
        _idp.Server.Given(Request.Create().WithPath("/par").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json")
                .WithBody("{\"request_uri\":\"urn:ietf:params:oauth:request_uri:test\",\"expires_in\":60}"));
    }

    public Task DisposeAsync()
    {
        _idp.Dispose();
        return Task.CompletedTask;
    }

    private int PushedRequests => _idp.Server.LogEntries.Count(e => e.RequestMessage.Path == "/par");

    private Task<OidcGatewayHost> StartAsync(bool trustLoopback)
    {
        var settings = new Dictionary<string, string?> { ["Bff:RateLimit:PerAddress:LoginsPerMinute"] = "2" };
        if (trustLoopback)
        {
            settings["Bff:ForwardedHeaders:KnownProxies:0"] = "127.0.0.1";
        }

        return OidcGatewayHost.StartAsync(_idp, time: _time, kestrel: true, settings: settings);
    }

    private const string SilentLoginPath = "/bff/silent-login";

    private static async Task<HttpStatusCode> LoginFromAsync(TestBrowser browser, string address, string path = "/bff/login")
    {
        using var response = await browser.GetAsync(path, [new("X-Forwarded-For", address)]);
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.TooManyRequests, "rate_limited");
            Assert.Equal("30", Assert.Single(response.Headers.GetValues("Retry-After")));
        }

        return response.StatusCode;
    }

    [Fact]
    public async Task OverTheLimit_429_TheIdpHearsNothing_OtherAddressesStillLogIn()
    {
        await using var host = await StartAsync(trustLoopback: true);
        using var browser = host.CreateBrowser();

        Assert.Equal(HttpStatusCode.Found, await LoginFromAsync(browser, "198.51.100.7"));
        Assert.Equal(HttpStatusCode.Found, await LoginFromAsync(browser, "198.51.100.7"));
        Assert.Equal(2, PushedRequests);
        Assert.Equal(HttpStatusCode.TooManyRequests, await LoginFromAsync(browser, "198.51.100.7"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await LoginFromAsync(browser, "198.51.100.7"));
        Assert.Equal(2, PushedRequests);

        Assert.Equal(HttpStatusCode.Found, await LoginFromAsync(browser, "198.51.100.8"));
        Assert.Equal(3, PushedRequests);

        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.Found, await LoginFromAsync(browser, "198.51.100.7"));
    }

    [Fact]
    public async Task UntrustedForwardedFor_IsNotAnotherAddress()
    {
        await using var host = await StartAsync(trustLoopback: false);
        using var browser = host.CreateBrowser();

        Assert.Equal(HttpStatusCode.Found, await LoginFromAsync(browser, "198.51.100.1"));
        Assert.Equal(HttpStatusCode.Found, await LoginFromAsync(browser, "198.51.100.2"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await LoginFromAsync(browser, "198.51.100.3"));
        Assert.Equal(2, PushedRequests);
    }

    [Fact]
    public async Task SilentLogins_CountWithLoginStarts()
    {
        await using var host = await StartAsync(trustLoopback: true);
        using var browser = host.CreateBrowser();

        Assert.Equal(HttpStatusCode.Found, await LoginFromAsync(browser, "198.51.100.9"));
        Assert.Equal(HttpStatusCode.Found, await LoginFromAsync(browser, "198.51.100.9", SilentLoginPath));
        Assert.Equal(HttpStatusCode.TooManyRequests, await LoginFromAsync(browser, "198.51.100.9", SilentLoginPath));
        Assert.Equal(HttpStatusCode.TooManyRequests, await LoginFromAsync(browser, "198.51.100.9"));
        Assert.Equal(2, PushedRequests);
    }
}
