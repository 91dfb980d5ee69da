using Bff.Tests.Support;
using System.Net;

namespace Bff.Tests.Antiforgery;

/// <summary>
/// Every unsafe method against every way a request can lack a CSRF protection: each is refused before
/// the upstream sees it. The control rows prove the same request with nothing missing gets through, so a
/// refusal can only come from the one thing each row spoils.
/// </summary>
[Collection(InProcessHostCollection.Name)]
public sealed class CsrfMatrixTests : IClassFixture<ProxyGatewayFixture>
{
    private static readonly string[] UnsafeMethods = ["POST", "PUT", "PATCH", "DELETE"];

    private static readonly string[] Flaws =
    [
        "no X-CSRF",
        "X-CSRF not 1",
        "no token",
        "token of another session of the same user",
        "token of another user",
        "token without its cookie",
        "Sec-Fetch-Site cross-site",
        "Sec-Fetch-Site same-site from a sibling",
        "foreign Origin",
        "Origin null",
        "Origin with the other scheme",
    ];

    private readonly ProxyGatewayFixture _gateway;

    public CsrfMatrixTests(ProxyGatewayFixture gateway)
    {
        _gateway = gateway;
    }

    public static TheoryData<string, string> UnsafeMethodTimesFlaw()
    {
        var data = new TheoryData<string, string>();
        foreach (var method in UnsafeMethods)
        {
            foreach (var flaw in Flaws)
            {
                data.Add(method, flaw);
            }
        }

        return data;
    }

    public static TheoryData<string> Methods(string kind)
    {
        var data = new TheoryData<string>();
        foreach (var method in kind == "unsafe" ? UnsafeMethods : ["GET", "HEAD", "OPTIONS"])
        {
            data.Add(method);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(UnsafeMethodTimesFlaw))]
    public async Task UnsafeMethod_MissingOneProtection_403Csrf_UpstreamReceivesNothing(string method, string flaw)
    {
        var alice = await _gateway.CreateSessionAsync("alice");
        var (token, antiforgeryCookie) = await _gateway.FetchTokenAsync(alice);
        var valid = GatewayRequest.Browser(method, "/api/orders/1", alice.Cookie, antiforgeryCookie) with { Token = token };

        var request = flaw switch
        {
            "no X-CSRF" => valid with { Csrf = false },
            "X-CSRF not 1" => valid with { Csrf = false, Headers = [("X-CSRF", "true")] },
            "no token" => valid with { Token = null },
            // Same browser (same antiforgery cookie), same user, but a token fetched in another session.
            "token of another session of the same user" => valid with
            {
                Token = (await _gateway.FetchTokenAsync(await _gateway.CreateSessionAsync("alice"), antiforgeryCookie)).Token,
            },
            "token of another user" => valid with
            {
                Token = (await _gateway.FetchTokenAsync(await _gateway.CreateSessionAsync("bob"), antiforgeryCookie)).Token,
            },
            "token without its cookie" => valid with { Cookies = [alice.Cookie] },
            "Sec-Fetch-Site cross-site" => valid with { FetchSite = "cross-site" },
            "Sec-Fetch-Site same-site from a sibling" => valid with { FetchSite = "same-site", Origin = "http://evil.localhost" },
            "foreign Origin" => valid with { Origin = "https://evil.example" },
            "Origin null" => valid with { Origin = "null" },
            "Origin with the other scheme" => valid with { Origin = "https://localhost" },
            _ => throw new ArgumentOutOfRangeException(nameof(flaw), flaw, null),
        };
        _gateway.Upstream.ResetLogEntries();

        var response = await _gateway.Client.SendAsync(request.ToMessage());

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "csrf");
        Assert.Empty(_gateway.Upstream.LogEntries);
    }

    [Theory]
    [MemberData(nameof(Methods), "unsafe")]
    public async Task UnsafeMethod_AllProtections_ReachesUpstreamWithBody(string method)
    {
        var alice = await _gateway.CreateSessionAsync("alice");
        var (token, antiforgeryCookie) = await _gateway.FetchTokenAsync(alice);
        _gateway.Upstream.ResetLogEntries();

        var response = await _gateway.Client.SendAsync(
            (GatewayRequest.Browser(method, "/api/orders/1", alice.Cookie, antiforgeryCookie) with { Token = token }).ToMessage());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var forwarded = Assert.Single(_gateway.Upstream.LogEntries).RequestMessage;
        Assert.Equal(method, forwarded.Method);
        Assert.Equal("Bearer access-alice", Assert.Single(forwarded.Headers!["Authorization"]));
        if (method != "DELETE")
        {
            Assert.Equal("{\"n\":1}", forwarded.Body);
        }
    }

    [Theory]
    [MemberData(nameof(Methods), "unsafe")]
    public async Task UnsafeMethod_NonBrowserClientWithoutOriginOrFetchMetadata_ReachesUpstream(string method)
    {
        var alice = await _gateway.CreateSessionAsync("alice");
        var (token, antiforgeryCookie) = await _gateway.FetchTokenAsync(alice);
        _gateway.Upstream.ResetLogEntries();
        var request = GatewayRequest.Browser(method, "/api/orders/1", alice.Cookie, antiforgeryCookie) with
        {
            Token = token,
            Origin = null,
            FetchSite = null,
        };

        var response = await _gateway.Client.SendAsync(request.ToMessage());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(_gateway.Upstream.LogEntries);
    }

    [Theory]
    [MemberData(nameof(Methods), "safe")]
    public async Task SafeMethod_XCsrfWithoutToken_ReachesUpstream(string method)
    {
        var alice = await _gateway.CreateSessionAsync("alice");
        _gateway.Upstream.ResetLogEntries();

        var response = await _gateway.Client.SendAsync(GatewayRequest.Browser(method, "/api/orders", alice.Cookie).ToMessage());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(method, Assert.Single(_gateway.Upstream.LogEntries).RequestMessage.Method);
    }

    [Theory]
    [InlineData("GET", "no X-CSRF")]
    [InlineData("GET", "Sec-Fetch-Site cross-site")]
    [InlineData("GET", "foreign Origin")]
    [InlineData("GET", "Origin null")]
    [InlineData("HEAD", "no X-CSRF")]
    [InlineData("OPTIONS", "no X-CSRF")]
    [InlineData("OPTIONS", "foreign Origin")]
    public async Task SafeMethod_MissingProtection_403Csrf_UpstreamReceivesNothing(string method, string flaw)
    {
        var alice = await _gateway.CreateSessionAsync("alice");
        var valid = GatewayRequest.Browser(method, "/api/orders", alice.Cookie);
        var request = flaw switch
        {
            "no X-CSRF" => valid with { Csrf = false },
            "Sec-Fetch-Site cross-site" => valid with { FetchSite = "cross-site" },
            "foreign Origin" => valid with { Origin = "https://evil.example" },
            "Origin null" => valid with { Origin = "null" },
            _ => throw new ArgumentOutOfRangeException(nameof(flaw), flaw, null),
        };
        _gateway.Upstream.ResetLogEntries();

        var response = await _gateway.Client.SendAsync(request.ToMessage());

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        if (method != "HEAD")
        {
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "csrf");
        }

        Assert.Empty(_gateway.Upstream.LogEntries);
    }
}
