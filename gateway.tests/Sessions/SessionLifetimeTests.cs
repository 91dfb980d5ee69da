using Bff.Redis;
using Bff.Tests.Integration.Infrastructure;
using System.Net;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Bff.Tests.Sessions;

/// <summary>
/// Idle and absolute deadlines on a fake clock, with the in-memory store and with Redis: the store refuses a
/// session past either deadline whatever the cookie says (the browser here keeps sending it), and with Redis
/// the key's own TTL follows the earlier deadline.
/// </summary>
[Collection(InProcessHostCollection.Name)]
public sealed class SessionLifetimeTests : IDisposable
{
    private static readonly Dictionary<string, string?> Lifetimes = new()
    {
        ["Bff:Session:IdleTimeout"] = "00:10:00",
        ["Bff:Session:AbsoluteLifetime"] = "00:30:00",
    };

    private readonly FakeOidcProvider _idp = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    public void Dispose() => _idp.Dispose();

    public static TheoryData<bool> Stores => new() { false, true };

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Idle_UnusedForTheIdleTimeout_Ends(bool redis)
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp, redis, _time, Lifetimes);
        var (session, browser) = await host.SeedSessionAsync(Unique("alice"));
        using var _ = browser;

        _time.Advance(TimeSpan.FromMinutes(9) + TimeSpan.FromSeconds(59));
        Assert.True(await host.IsAliveAsync(session.Id));
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(HttpStatusCode.Unauthorized, await UserStatusAsync(browser));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Idle_SlidesOnUse(bool redis)
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp, redis, _time, Lifetimes);
        var start = _time.GetUtcNow();
        var (session, browser) = await host.SeedSessionAsync(Unique("alice"));
        using var _ = browser;

        _time.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(HttpStatusCode.OK, await UserStatusAsync(browser));
        _time.Advance(TimeSpan.FromMinutes(9));

        // Eighteen minutes in: dead by now without the slide at minute nine.
        using var user = await browser.GetAsync("/bff/user", OidcGatewayHost.Xhr);
        Assert.Equal(HttpStatusCode.OK, user.StatusCode);
        var expiresAt = (await OidcGatewayHost.JsonAsync(user)).GetProperty("session").GetProperty("expiresAt").GetDateTimeOffset();
        Assert.Equal((start + TimeSpan.FromMinutes(28)).ToUnixTimeMilliseconds(), expiresAt.ToUnixTimeMilliseconds());
        if (redis)
        {
            AssertTtl(session.Id, TimeSpan.FromMinutes(10));
        }

        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(HttpStatusCode.Unauthorized, await UserStatusAsync(browser));
    }

    // An idle timeout no longer than the sliding write interval (a minute by default). Redis counts its key's
    // TTL on its own clock while the gateway's runs fake here, so the Redis case keeps seconds of real slack.
    public static TheoryData<bool, int, int> ShortIdleTimeouts => new()
    {
        { false, 4_000, 1_500 },
        { true, 40_000, 15_000 },
    };

    [Theory]
    [MemberData(nameof(ShortIdleTimeouts))]
    public async Task Idle_ShorterThanSlidingWriteInterval_SlidesOnUse_EndsWhenUnused(bool redis, int idleMs, int useEveryMs)
    {
        var idle = TimeSpan.FromMilliseconds(idleMs);
        var settings = new Dictionary<string, string?>
        {
            ["Bff:Session:IdleTimeout"] = idle.ToString(),
            ["Bff:Session:AbsoluteLifetime"] = "01:00:00",
        };
        await using var host = await OidcGatewayHost.StartAsync(_idp, redis, _time, settings);
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

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Absolute_NeverSlides(bool redis)
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp, redis, _time, Lifetimes);
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

        if (redis)
        {
            AssertTtl(session.Id, TimeSpan.FromMinutes(6));
        }

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

    private static void AssertTtl(string id, TimeSpan expected)
    {
        using var redis = ConnectionMultiplexer.Connect(SharedServers.GetRedisAsync().GetAwaiter().GetResult().ConnectionString);
        var ttl = redis.GetDatabase().KeyTimeToLive(Bff.Redis.RedisKeys.Default.Session(id));
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, expected - TimeSpan.FromSeconds(10), expected);
    }

    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];
}
