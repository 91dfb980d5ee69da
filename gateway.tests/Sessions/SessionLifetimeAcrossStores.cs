using Bff.Tests.Support;
using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Sessions;

/// <summary>
/// Idle and absolute deadlines on a fake clock, run once per store (<see cref="InMemorySessionLifetimeTests"/>, and
/// the Redis one under Integration/Sessions): the store refuses a session past either deadline whatever the cookie
/// says (the browser here keeps sending it), and with Redis the key's own TTL follows the earlier deadline.
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

    private static async Task<HttpStatusCode> UserStatusAsync(TestBrowser browser)
    {
        using var response = await browser.GetAsync("/bff/user", OidcGatewayHost.Xhr);
        return response.StatusCode;
    }

    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];
}
