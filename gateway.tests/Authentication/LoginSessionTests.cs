using Bff.Telemetry;
using Microsoft.Extensions.Logging;
using System.Net;

namespace Bff.Tests.Authentication;

/// <summary>Every login makes a new session with a new id; a cookie the browser held before logging in is never adopted.</summary>
[Collection(InProcessHostCollection.Name)]
public sealed class LoginSessionTests : IDisposable
{
    private readonly FakeOidcProvider _idp = new();

    public void Dispose() => _idp.Dispose();

    [Fact]
    public async Task SecondLogin_NewIdAndTheOldSessionEndsWithItsGrant()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp);
        using var browser = host.CreateBrowser();
        using (var first = await host.LoginAsync(browser, "alice", "idp-sid-1"))
        {
            Assert.Equal(HttpStatusCode.Found, first.StatusCode);
        }

        var firstId = await SessionIdAsync(browser);
        var firstCookie = browser.Cookies.Get("__Host-bff")!;

        using (var second = await host.LoginAsync(browser, "alice", "idp-sid-1"))
        {
            Assert.Equal(HttpStatusCode.Found, second.StatusCode);
        }

        var secondId = await SessionIdAsync(browser);
        Assert.NotEqual(firstId, secondId);
        Assert.NotEqual(firstCookie, browser.Cookies.Get("__Host-bff"));
        Assert.False(await host.IsAliveAsync(firstId));
        Assert.Equal(HttpStatusCode.Unauthorized, await UserStatusAsync(host, firstCookie));
        await Eventually.TrueAsync(() => _idp.RevocationRequests.Count == 1, TimeSpan.FromSeconds(10), "the replaced session's grant to be revoked");
    }

    [Fact]
    public async Task LoginBeyondTheSessionLimit_TheUsersOldestEndsWithItsGrant_AndIsLogged()
    {
        var logs = new CapturingLoggerProvider();
        await using var host = await OidcGatewayHost.StartAsync(_idp, settings: new Dictionary<string, string?> { ["Bff:Session:MaxSessionsPerUser"] = "2" }, logs: logs);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            // One browser each: no login here replaces another.
            using var browser = host.CreateBrowser();
            using (var login = await host.LoginAsync(browser, "alice", "idp-sid-1"))
            {
                Assert.Equal(HttpStatusCode.Found, login.StatusCode);
            }

            ids.Add(await SessionIdAsync(browser));
        }

        Assert.False(await host.IsAliveAsync(ids[0]));
        Assert.True(await host.IsAliveAsync(ids[1]));
        Assert.True(await host.IsAliveAsync(ids[2]));
        await Eventually.TrueAsync(() => _idp.RevocationRequests.Count == 1, TimeSpan.FromSeconds(10), "the oldest session's grant to be revoked");
        var limitReached = Assert.Single(logs.Records, r => r.EventId.Id == BffEventIds.SessionLimitReached);
        Assert.Equal(LogLevel.Warning, limitReached.Level);
        Assert.Contains(ids[0], limitReached.Message, StringComparison.Ordinal);
        Assert.Contains(logs.Records, r => r.EventId.Id == BffEventIds.SessionEnded && r.Message.Contains(ids[0] + " ended: evicted", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PlantedGenuineCookie_IsReplacedNotAdopted()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp);
        using var attacker = host.CreateBrowser();
        using (var login = await host.LoginAsync(attacker, "mallory", "idp-sid-m"))
        {
            Assert.Equal(HttpStatusCode.Found, login.StatusCode);
        }

        var planted = attacker.Cookies.Get("__Host-bff")!;
        using var victim = host.CreateBrowser();
        victim.Cookies.Set("__Host-bff", planted);

        using (var login = await host.LoginAsync(victim, "alice", "idp-sid-a"))
        {
            Assert.Equal(HttpStatusCode.Found, login.StatusCode);
        }

        Assert.NotEqual(planted, victim.Cookies.Get("__Host-bff"));
        using var user = await victim.GetAsync("/bff/user", OidcGatewayHost.Xhr);
        Assert.Equal("alice", (await OidcGatewayHost.JsonAsync(user)).GetProperty("sub").GetString());
        // The planted value leads nowhere: not to alice's session, and no longer to mallory's either.
        Assert.Equal(HttpStatusCode.Unauthorized, await UserStatusAsync(host, planted));
    }

    [Fact]
    public async Task PlantedForgedCookie_IsReplaced()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp);
        using var victim = host.CreateBrowser();
        victim.Cookies.Set("__Host-bff", "chosen-by-the-attacker");

        using (var login = await host.LoginAsync(victim, "alice", "idp-sid-a"))
        {
            Assert.Equal(HttpStatusCode.Found, login.StatusCode);
        }

        Assert.NotEqual("chosen-by-the-attacker", victim.Cookies.Get("__Host-bff"));
        Assert.Equal(HttpStatusCode.Unauthorized, await UserStatusAsync(host, "chosen-by-the-attacker"));
        Assert.Equal(HttpStatusCode.OK, await UserStatusAsync(host, victim.Cookies.Get("__Host-bff")!));
    }

    [Fact]
    public async Task NonAsciiReturnUrl_RedirectsPercentEncodedWithTheSession()
    {
        // On Kestrel, which refuses to write a header value that is not ASCII.
        await using var host = await OidcGatewayHost.StartAsync(_idp, kestrel: true);
        using var browser = host.CreateBrowser();
        using (var callback = await host.LoginAsync(browser, "alice", "idp-sid-1", returnUrl: "%2Fcaf%C3%A9"))
        {
            Assert.True(HttpStatusCode.Found == callback.StatusCode, await callback.Content.ReadAsStringAsync());
            Assert.Equal("/caf%C3%A9", callback.Headers.Location!.OriginalString);
        }

        // The cookie leads to the login's session, and that session is the only one made.
        var id = await SessionIdAsync(browser);
        Assert.Equal(id, Assert.Single(await host.Store.ListBySubjectAsync("alice", default)).Id);
    }

    [Fact]
    public async Task CallbackFailingAfterSignIn_LeavesNoSessionBehind()
    {
        // A state carrying a raw non-ASCII return path (which /bff/login never puts there) makes Kestrel refuse
        // the final redirect after the session exists: it stands for any failure past that point.
        await using var host = await OidcGatewayHost.StartAsync(_idp, kestrel: true);
        using var browser = host.CreateBrowser();
        using (var callback = await host.LoginAsync(browser, "alice", "idp-sid-1", changeState: state => state.RedirectUri = "/café"))
        {
            await ProblemAssert.IsProblemAsync(callback, HttpStatusCode.InternalServerError, "internal_error");
        }

        Assert.Null(browser.Cookies.Get("__Host-bff"));
        Assert.Empty(await host.Store.ListBySubjectAsync("alice", default));
        // Its grant goes too.
        await Eventually.TrueAsync(() => _idp.RevocationRequests.Count == 1, TimeSpan.FromSeconds(10), "the failed login's grant to be revoked");
    }

    private static async Task<string> SessionIdAsync(TestBrowser browser)
    {
        using var user = await browser.GetAsync("/bff/user", OidcGatewayHost.Xhr);
        Assert.Equal(HttpStatusCode.OK, user.StatusCode);
        return (await OidcGatewayHost.JsonAsync(user)).GetProperty("session").GetProperty("id").GetString()!;
    }

    private static async Task<HttpStatusCode> UserStatusAsync(OidcGatewayHost host, string cookie)
    {
        using var browser = host.CreateBrowser();
        browser.Cookies.Set("__Host-bff", cookie);
        using var response = await browser.GetAsync("/bff/user", OidcGatewayHost.Xhr);
        return response.StatusCode;
    }
}
