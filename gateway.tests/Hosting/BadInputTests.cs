using Bff.Tests.Support;
using System.Net;
using System.Text;

namespace Bff.Tests.Hosting;

/// <summary>
/// Mangled cookies and headers get a 4xx problem, never a 5xx, never a stack trace, and never reach the
/// upstream. Every value starts from a genuine one, so a case can only fail on what the mangling did.
/// </summary>
[Collection(InProcessHostCollection.Name)]
public sealed partial class BadInputTests : IClassFixture<ProxyGatewayFixture>
{
    private static readonly string[] SessionCookieManglings =
    [
        "truncated to half", "last character dropped", "bit flipped", "8 KB", "8 KB of base64url", "not base64",
        "non-ASCII", "empty", "no value", "quoted", "duplicated, both forged", "forged first, genuine second",
        "genuine first, forged second",
    ];

    private static readonly string[] HeaderManglings =
    [
        "X-CSRF twice", "X-CSRF 1, 1", "X-CSRF empty", "X-CSRF 8 KB",
        "token 64 KB", "token not base64", "token truncated", "token bit flipped", "token twice", "token empty",
        "token is the cookie token", "antiforgery cookie truncated", "antiforgery cookie bit flipped",
        "antiforgery cookie 8 KB", "antiforgery cookie not base64", "antiforgery cookie duplicated with a forged one",
        "antiforgery cookie missing", "Origin 8 KB", "Origin not a URL", "Origin scheme only", "Sec-Fetch-Site 8 KB",
        "Origin twice",
    ];

    private readonly ProxyGatewayFixture _gateway;

    public BadInputTests(ProxyGatewayFixture gateway)
    {
        _gateway = gateway;
    }

    public static TheoryData<string, string> SessionCookieCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var mangling in SessionCookieManglings)
        {
            data.Add("GET", mangling);
            data.Add("POST", mangling);
        }

        return data;
    }

    public static TheoryData<string> HeaderCases()
    {
        var data = new TheoryData<string>();
        foreach (var mangling in HeaderManglings)
        {
            data.Add(mangling);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SessionCookieCases))]
    public async Task SessionCookie_Mangled_4xxWithoutInternals_UpstreamReceivesNothing(string method, string mangling)
    {
        var alice = await _gateway.CreateSessionAsync("alice");
        var genuine = alice.Cookie.Split('=', 2)[1];
        var cookie = mangling switch
        {
            "truncated to half" => "__Host-bff=" + genuine[..(genuine.Length / 2)],
            "last character dropped" => "__Host-bff=" + genuine[..^1],
            "bit flipped" => "__Host-bff=" + Flip(genuine),
            "8 KB" => "__Host-bff=" + new string('A', 8192),
            "8 KB of base64url" => "__Host-bff=" + Convert.ToBase64String(new byte[6144]).Replace('+', '-').Replace('/', '_').TrimEnd('='),
            "not base64" => "__Host-bff=!!!***%%%$$$",
            "non-ASCII" => "__Host-bff=" + "\u00e9\u6f22\u5b57" + genuine,
            "empty" => "__Host-bff=",
            "no value" => "__Host-bff",
            "quoted" => "__Host-bff=\"" + genuine + "\"",
            "duplicated, both forged" => "__Host-bff=" + Flip(genuine) + "; __Host-bff=" + genuine[..^2],
            "forged first, genuine second" => "__Host-bff=" + Flip(genuine) + "; " + alice.Cookie,
            "genuine first, forged second" => alice.Cookie + "; __Host-bff=" + Flip(genuine),
            _ => throw new ArgumentOutOfRangeException(nameof(mangling), mangling, null),
        };
        var path = method == "GET" ? "/bff/user" : "/api/orders";
        // A POST without a token is refused in a genuine session too: only the status class is asserted.
        var request = GatewayRequest.Browser(method, path) with { Headers = [("Cookie", cookie)] };
        _gateway.Upstream.ResetLogEntries();

        var response = await _gateway.Client.SendAsync(request.ToMessage());

        await AssertRefusedCleanlyAsync(response);
    }

    [Theory]
    [MemberData(nameof(HeaderCases))]
    public async Task Header_Mangled_4xxWithoutInternals_UpstreamReceivesNothing(string mangling)
    {
        var alice = await _gateway.CreateSessionAsync("alice");
        var (token, antiforgeryCookie) = await _gateway.FetchTokenAsync(alice);
        var cookieToken = antiforgeryCookie.Split('=', 2)[1];
        var valid = GatewayRequest.Browser("POST", "/api/orders", alice.Cookie, antiforgeryCookie) with { Token = token };
        var request = mangling switch
        {
            "X-CSRF twice" => valid with { Csrf = false, Headers = [("X-CSRF", "1"), ("X-CSRF", "1")] },
            "X-CSRF 1, 1" => valid with { Csrf = false, Headers = [("X-CSRF", "1, 1")] },
            "X-CSRF empty" => valid with { Csrf = false, Headers = [("X-CSRF", "")] },
            "X-CSRF 8 KB" => valid with { Csrf = false, Headers = [("X-CSRF", new string('1', 8192))] },
            "token 64 KB" => valid with { Token = new string('A', 65536) },
            "token not base64" => valid with { Token = "!!!***%%%$$$" },
            "token truncated" => valid with { Token = token[..(token.Length / 2)] },
            "token bit flipped" => valid with { Token = Flip(token) },
            "token twice" => valid with { Headers = [("X-XSRF-TOKEN", token)] },
            "token empty" => valid with { Token = null, Headers = [("X-XSRF-TOKEN", "")] },
            "token is the cookie token" => valid with { Token = cookieToken },
            "antiforgery cookie truncated" => valid with { Cookies = [alice.Cookie, antiforgeryCookie[..^10]] },
            "antiforgery cookie bit flipped" => valid with { Cookies = [alice.Cookie, "__Host-bff-af=" + Flip(cookieToken)] },
            "antiforgery cookie 8 KB" => valid with { Cookies = [alice.Cookie, "__Host-bff-af=" + new string('A', 8192)] },
            "antiforgery cookie not base64" => valid with { Cookies = [alice.Cookie, "__Host-bff-af=!!!***"] },
            "antiforgery cookie duplicated with a forged one" => valid with { Cookies = [alice.Cookie, "__Host-bff-af=" + Flip(cookieToken), antiforgeryCookie] },
            "antiforgery cookie missing" => valid with { Cookies = [alice.Cookie] },
            "Origin 8 KB" => valid with { Origin = "http://" + new string('a', 8192) },
            "Origin not a URL" => valid with { Origin = "%%%" },
            "Origin scheme only" => valid with { Origin = "http://" },
            "Sec-Fetch-Site 8 KB" => valid with { FetchSite = new string('x', 8192) },
            "Origin twice" => valid with { Headers = [("Origin", "https://evil.example")] },
            _ => throw new ArgumentOutOfRangeException(nameof(mangling), mangling, null),
        };
        _gateway.Upstream.ResetLogEntries();

        var response = await _gateway.Client.SendAsync(request.ToMessage());

        await AssertRefusedCleanlyAsync(response);
        if (mangling == "antiforgery cookie duplicated with a forged one")
        {
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "bad_request");
        }
        else
        {
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "csrf");
        }
    }

    [Fact]
    public async Task Control_GenuineInput_Accepted()
    {
        var alice = await _gateway.CreateSessionAsync("alice");
        var (token, antiforgeryCookie) = await _gateway.FetchTokenAsync(alice);

        var user = await _gateway.Client.SendAsync(GatewayRequest.Browser("GET", "/bff/user", alice.Cookie).ToMessage());
        var post = await _gateway.Client.SendAsync(
            (GatewayRequest.Browser("POST", "/api/orders", alice.Cookie, antiforgeryCookie) with { Token = token }).ToMessage());

        Assert.Equal(HttpStatusCode.OK, user.StatusCode);
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
    }

    private async Task AssertRefusedCleanlyAsync(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        Assert.True(status is >= 400 and < 500, $"Expected a 4xx, got {status}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await ProblemAssert.HasNoInternalsAsync(response);
        Assert.Empty(_gateway.Upstream.LogEntries);
    }

    /// <summary>Changes one character in the middle to another of the base64url alphabet.</summary>
    private static string Flip(string value)
    {
        var chars = new StringBuilder(value);
        var i = value.Length / 2;
        chars[i] = chars[i] == 'A' ? 'B' : 'A';
        return chars.ToString();
    }
}
