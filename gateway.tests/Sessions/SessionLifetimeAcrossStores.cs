using Bff.Tests.Support;
using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Sessions;

/// <summary>
/// Idle and absolute deadlines on a fake clock, run once per store (<see cref="InMemorySessionLifetimeTests"/>, and
/// the Redis one under Integration/Sessions): the store refuses a session past either deadline whatever the cookie
/// says (the browser here keeps sending it), and with Redis the key's own TTL follows the earlier deadline; each
/// frontend's sessions by its own idle timeout.
/// </summary>
public abstract class SessionLifetimeAcrossStores : IDisposable
{
    private static readonly Dictionary<string, string?> Lifetimes = new()
    {
        ["Bff:Session:IdleTimeout"] = "00:10:00",
        ["Bff:Session:AbsoluteLifetime"] = "00:30:00",
    };

    private readonly FakeOidcProvider _idp = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    /// <summary>Whether the host keeps its sessions in the run's shared Redis rather than in memory.</summary>
    protected abstract bool UsesRedis { get; }

    /// <summary>
    /// An idle timeout no longer than the sliding write interval (a minute by default), and how often the session
    /// is used meanwhile. Redis counts its key's TTL on its own clock while the gateway's runs fake here, so the
    /// Redis case keeps seconds of real slack.
    /// </summary>
    protected abstract (int IdleMs, int UseEveryMs) ShortIdle { get; }

    public void Dispose() => _idp.Dispose();

    /// <summary>Checks the store's own expiry of the session, where it has one of its own (the Redis key's TTL).</summary>
    protected virtual void AssertStoredTtl(string id, TimeSpan expected)
    {
    }

    [Fact]
    public async Task Idle_UnusedForTheIdleTimeout_Ends()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp, UsesRedis, _time, Lifetimes);
        var (session, browser) = await host.SeedSessionAsync(Unique("alice"));
        using var _ = browser;

        _time.Advance(TimeSpan.FromMinutes(9) + TimeSpan.FromSeconds(59));
        Assert.True(await host.IsAliveAsync(session.Id));
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(HttpStatusCode.Unauthorized, await UserStatusAsync(browser));
    }

    [Fact]
    public async Task Idle_SlidesOnUse()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp, UsesRedis, _time, Lifetimes);
        var start = _time.GetUtcNow();
        var (session, browser) = await host.SeedSessionAsync(Unique("alice"));
        using var _ = browser;

        _time.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(HttpStatusCode.OK, await UserStatusAsync(browser));
        _time.Advance(TimeSpan.FromMinutes(9));

        // Eighteen minutes in: dead by now without the slide at minute nine.
        using var user = await browser.GetAsync("/bff/user", OidcGatewayHost.Xhr);
        Assert.Equal(HttpStatusCode.OK, user.StatusCode);
        var reported = (await OidcGatewayHost.JsonAsync(user)).GetProperty("session");
        var expiresAt = reported.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.Equal((start + TimeSpan.FromMinutes(28)).ToUnixTimeMilliseconds(), expiresAt.ToUnixTimeMilliseconds());
        Assert.Equal(expiresAt, reported.GetProperty("idleExpiresAt").GetDateTimeOffset());
        Assert.Equal((start + TimeSpan.FromMinutes(30)).ToUnixTimeMilliseconds(), reported.GetProperty("absoluteExpiresAt").GetDateTimeOffset().ToUnixTimeMilliseconds());
        AssertStoredTtl(session.Id, TimeSpan.FromMinutes(10));

        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(HttpStatusCode.Unauthorized, await UserStatusAsync(browser));
    }

    [Fact]
    public async Task Idle_ShorterThanSlidingWriteInterval_SlidesOnUse_EndsWhenUnused()
    {
        var (idleMs, useEveryMs) = ShortIdle;
        var idle = TimeSpan.FromMilliseconds(idleMs);
        var settings = new Dictionary<string, string?>
        {
            ["Bff:Session:IdleTimeout"] = idle.ToString(),
            ["Bff:Session:AbsoluteLifetime"] = "01:00:00",
        };
        await using var host = await OidcGatewayHost.StartAsync(_idp, UsesRedis, _time, settings);
        var (session, browser) = await host.SeedSessionAsync(Unique("alice"));
        using var _ = browser;

        for (var used = TimeSpan.Zero; used < idle * 8; used += TimeSpan.FromMilliseconds(useEveryMs))
        {
            _time.Advance(TimeSpan.FromMilliseconds(useEveryMs));
            Assert.Equal(HttpStatusCode.OK, await UserStatusAsync(browser));
        }

        _time.Advance(idle);
        Assert.False(await host.IsAliveAsync(session.Id));
        Assert.Equal(HttpStatusCode.Unauthorized, await UserStatusAsync(browser));
    }

    [Fact]
    public async Task Absolute_NeverSlides()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp, UsesRedis, _time, Lifetimes);
        var start = _time.GetUtcNow();
        var (session, browser) = await host.SeedSessionAsync(Unique("alice"));
        using var _ = browser;

        for (var minute = 8; minute <= 24; minute += 8)
        {
            _time.Advance(TimeSpan.FromMinutes(8));
            Assert.Equal(HttpStatusCode.OK, await UserStatusAsync(browser));
        }

        using (var user = await browser.GetAsync("/bff/user", OidcGatewayHost.Xhr))
        {
            var expiresAt = (await OidcGatewayHost.JsonAsync(user)).GetProperty("session").GetProperty("expiresAt").GetDateTimeOffset();
            Assert.Equal((start + TimeSpan.FromMinutes(30)).ToUnixTimeMilliseconds(), expiresAt.ToUnixTimeMilliseconds());
        }

        AssertStoredTtl(session.Id, TimeSpan.FromMinutes(6));

        // Used seven minutes ago, well within the idle timeout, yet past the absolute deadline.
        _time.Advance(TimeSpan.FromMinutes(7));
        using var expired = await browser.GetAsync("/bff/user", OidcGatewayHost.Xhr);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Equal("session_expired", (await OidcGatewayHost.JsonAsync(expired)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Frontends_UsedAlike_EachSessionIdlesOutByItsFrontendsIdleTimeout()
    {
        const string adminOrigin = "https://admin.test";
        var settings = new Dictionary<string, string?>(Lifetimes)
        {
            ["Bff:Frontends:admin:Origin"] = adminOrigin,
            ["Bff:Frontends:admin:Session:IdleTimeout"] = "00:04:00",
            // Discovery is read on the first login: on a loaded machine that can take longer than the usual 2 s.
            ["Bff:Tokens:IdpTimeout"] = "00:00:30",
        };
        await using var host = await OidcGatewayHost.StartAsync(_idp, UsesRedis, _time, settings);
        using var customer = host.CreateBrowser();
        using var admin = new TestBrowser(new Uri(adminOrigin + "/"), new CookieJar(_time), () => host.Factory.Server.CreateHandler());
        var alice = Unique("alice");
        using var customerLogin = await host.LoginAsync(customer, alice, Unique("sid"));
        using var adminLogin = await host.LoginAsync(admin, alice, Unique("sid"));
        Assert.Equal(HttpStatusCode.Found, customerLogin.StatusCode);
        Assert.Equal(HttpStatusCode.Found, adminLogin.StatusCode);

        var start = _time.GetUtcNow();
        var adminId = await AssertIdleExpiresAtAsync(admin, start + TimeSpan.FromMinutes(4));
        var customerId = await AssertIdleExpiresAtAsync(customer, start + TimeSpan.FromMinutes(10));
        AssertStoredTtl(adminId, TimeSpan.FromMinutes(4));
        AssertStoredTtl(customerId, TimeSpan.FromMinutes(10));

        // Both used three minutes in: each slides by its own idle timeout.
        _time.Advance(TimeSpan.FromMinutes(3));
        var used = _time.GetUtcNow();
        await AssertIdleExpiresAtAsync(admin, used + TimeSpan.FromMinutes(4));
        await AssertIdleExpiresAtAsync(customer, used + TimeSpan.FromMinutes(10));
        AssertStoredTtl(adminId, TimeSpan.FromMinutes(4));
        AssertStoredTtl(customerId, TimeSpan.FromMinutes(10));
        using (var sessions = await admin.GetAsync("/bff/sessions", OidcGatewayHost.Xhr))
        {
            var listed = (await OidcGatewayHost.JsonAsync(sessions))[0];
            Assert.Equal((used + TimeSpan.FromMinutes(4)).ToUnixTimeMilliseconds(), listed.GetProperty("expiresAt").GetDateTimeOffset().ToUnixTimeMilliseconds());
        }

        // Five minutes unused: past the admin console's idle timeout, well within the customer app's.
        _time.Advance(TimeSpan.FromMinutes(5));
        using var expired = await admin.GetAsync("/bff/user", OidcGatewayHost.Xhr);
        Assert.Equal("session_expired", (await OidcGatewayHost.JsonAsync(expired)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, await UserStatusAsync(customer));
    }

    // The session's id, after checking the idle deadline /bff/user reports.
    private static async Task<string> AssertIdleExpiresAtAsync(TestBrowser browser, DateTimeOffset expected)
    {
        using var user = await browser.GetAsync("/bff/user", OidcGatewayHost.Xhr);
        Assert.Equal(HttpStatusCode.OK, user.StatusCode);
        var session = (await OidcGatewayHost.JsonAsync(user)).GetProperty("session");
        Assert.Equal(expected.ToUnixTimeMilliseconds(), session.GetProperty("idleExpiresAt").GetDateTimeOffset().ToUnixTimeMilliseconds());
        return session.GetProperty("id").GetString()!;
    }

    private static async Task<HttpStatusCode> UserStatusAsync(TestBrowser browser)
    {
        using var response = await browser.GetAsync("/bff/user", OidcGatewayHost.Xhr);
        return response.StatusCode;
    }

    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];
}
