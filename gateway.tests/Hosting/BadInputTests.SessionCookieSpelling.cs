using Bff.Sessions;
using Bff.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using System.Net;

namespace Bff.Tests.Hosting;

/// <summary>The session cookie sent twice or spelled otherwise than the gateway wrote it: never the session.</summary>
public sealed partial class BadInputTests
{
    [Theory]
    [InlineData("forged first, genuine second")]
    [InlineData("genuine first, forged second")]
    [InlineData("genuine twice")]
    [InlineData("genuine, then in a second Cookie header")]
    [InlineData("genuine, then its name in other case")]
    public async Task SessionCookie_SentTwice_400BadRequest_WhicheverCopyIsGenuine(string variant)
    {
        var alice = await _gateway.CreateSessionAsync("alice");
        var forged = "__Host-bff=" + Flip(alice.Cookie.Split('=', 2)[1]);
        (string, string)[] headers = variant switch
        {
            "forged first, genuine second" => [("Cookie", forged + "; " + alice.Cookie)],
            "genuine first, forged second" => [("Cookie", alice.Cookie + "; " + forged)],
            "genuine twice" => [("Cookie", alice.Cookie + "; " + alice.Cookie)],
            "genuine, then in a second Cookie header" => [("Cookie", alice.Cookie), ("Cookie", forged)],
            _ => [("Cookie", alice.Cookie + "; " + forged.Replace("__Host-bff", "__host-BFF", StringComparison.Ordinal))],
        };
        _gateway.Upstream.ResetLogEntries();

        var user = await _gateway.Client.SendAsync((GatewayRequest.Browser("GET", "/bff/user") with { Headers = headers }).ToMessage());
        var proxied = await _gateway.Client.SendAsync((GatewayRequest.Browser("GET", "/api/orders") with { Headers = headers }).ToMessage());

        await ProblemAssert.IsProblemAsync(user, HttpStatusCode.BadRequest, "bad_request");
        await ProblemAssert.IsProblemAsync(proxied, HttpStatusCode.BadRequest, "bad_request");
        Assert.Empty(_gateway.Upstream.LogEntries);
    }

    // A browser that checks cookie prefixes case-sensitively lets a sibling subdomain set "__HOST-bff";
    // a percent-encoded name is not a prefix to any browser. Neither is the session cookie, even with a genuine value.
    [Theory]
    [InlineData("__host-bff")]
    [InlineData("__HOST-BFF")]
    [InlineData("%5F_Host-bff")]
    public async Task SessionCookie_UnderAnotherSpellingOfItsName_NotTheSession(string name)
    {
        var alice = await _gateway.CreateSessionAsync("alice");
        var cookie = name + "=" + alice.Cookie.Split('=', 2)[1];
        _gateway.Upstream.ResetLogEntries();

        var user = await _gateway.Client.SendAsync((GatewayRequest.Browser("GET", "/bff/user") with { Headers = [("Cookie", cookie)] }).ToMessage());
        var proxied = await _gateway.Client.SendAsync((GatewayRequest.Browser("GET", "/api/orders") with { Headers = [("Cookie", cookie)] }).ToMessage());
        var control = await _gateway.Client.SendAsync(GatewayRequest.Browser("GET", "/bff/user", alice.Cookie).ToMessage());

        await ProblemAssert.IsProblemAsync(user, HttpStatusCode.Unauthorized, "unauthenticated");
        await ProblemAssert.IsProblemAsync(proxied, HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Empty(_gateway.Upstream.LogEntries);
        Assert.Equal(HttpStatusCode.OK, control.StatusCode);
    }

    // Base64url decoding skips whitespace; only the spelling the gateway wrote is its cookie.
    [Theory]
    [InlineData(" ")]
    [InlineData("\t")]
    [InlineData("   ")]
    public async Task SessionCookie_GenuineWithWhitespaceInside_401_NothingRemembered(string whitespace)
    {
        var alice = await _gateway.CreateSessionAsync("alice");
        var genuine = alice.Cookie.Split('=', 2)[1];
        var cookies = _gateway.Services.GetRequiredService<SessionCookie>();
        var control = await _gateway.Client.SendAsync(GatewayRequest.Browser("GET", "/bff/user", alice.Cookie).ToMessage());
        var remembered = cookies.RememberedCount;
        var spelled = "__Host-bff=" + genuine.Insert(genuine.Length / 2, whitespace);
        _gateway.Upstream.ResetLogEntries();

        var user = await _gateway.Client.SendAsync((GatewayRequest.Browser("GET", "/bff/user") with { Headers = [("Cookie", spelled)] }).ToMessage());
        var proxied = await _gateway.Client.SendAsync((GatewayRequest.Browser("GET", "/api/orders") with { Headers = [("Cookie", spelled)] }).ToMessage());

        Assert.Equal(HttpStatusCode.OK, control.StatusCode);
        await ProblemAssert.IsProblemAsync(user, HttpStatusCode.Unauthorized, "unauthenticated");
        await ProblemAssert.IsProblemAsync(proxied, HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Empty(_gateway.Upstream.LogEntries);
        Assert.Equal(remembered, cookies.RememberedCount);
    }
}
