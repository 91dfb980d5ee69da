using Bff.Configuration;
using Bff.Redis;
using Bff.Sessions;
using Bff.Telemetry;
using Bff.Tests.Integration.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Bff.Tests.Integration.Sessions;

/// <summary>
/// The background confirmation of cached sessions against a real Redis: a session in use stays cached past its first
/// cache duration without a read on a request's path; one changed or deleted in Redis without a message (a lost one)
/// is dropped by the confirmation, not renewed; a Redis that does not answer fails the round quietly.
/// </summary>
[Trait("Category", "Integration")]
public sealed class SessionCacheRevalidatorTests : IAsyncLifetime
{
    private readonly TestDataProtection _protection = TestDataProtection.InMemory();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly BffOptions _options = new()
    {
        SessionStoreTimeout = TimeSpan.FromSeconds(1),
        Session = { CacheDuration = TimeSpan.FromSeconds(5) },
    };

    private RedisServer _server = null!;
    private ConnectionMultiplexer _redis = null!;
    private SessionCache _cache = null!;
    private RedisSessionStore _store = null!;
    private SessionCacheRevalidator _revalidator = null!;

    public async Task InitializeAsync()
    {
        // A server of its own: one test stops it.
        _server = await RedisServer.StartAsync();
        var configuration = ConfigurationOptions.Parse(_server.ConnectionString);
        configuration.AbortOnConnectFail = false;
        _redis = await ConnectionMultiplexer.ConnectAsync(configuration);
        var options = Microsoft.Extensions.Options.Options.Create(_options);
        _cache = new SessionCache(options, _time);
        _cache.Enable();
        var health = new SessionStoreHealth();
        _store = TestRedisSessionStore.Create(_redis, _protection.SessionProtector(), _cache, health, options, _time);
        var metrics = new BffMetrics(new TestMeterFactory());
        var calls = new RedisSessionCalls(_redis, _cache, health, options, metrics, NullLogger<RedisSessionCalls>.Instance);
        _revalidator = new SessionCacheRevalidator(calls, RedisKeys.Default, _cache, health, options, metrics, _time,
            NullLogger<SessionCacheRevalidator>.Instance);
    }

    public async Task DisposeAsync()
    {
        _revalidator.Dispose();
        await _redis.DisposeAsync();
        await _server.DisposeAsync();
        _protection.Dispose();
    }

    // Created, read once (cached) and used once more from the cache, as a request would.
    private async Task<BffSession> InUseAsync()
    {
        var session = TestSessions.New("alice", _time.GetUtcNow());
        await _store.CreateAsync(session, default);
        Assert.NotNull(await _store.GetAsync(session.Id, default));
        Assert.NotNull(_cache.TryGet(session.Id));
        return session;
    }

    [Fact]
    public async Task SessionInUse_Confirmed_StaysCachedPastItsFirstDuration_ThenAgesOutUnlessUsed()
    {
        var sessions = new[] { await InUseAsync(), await InUseAsync() };
        _time.Advance(_revalidator.MinAge);

        Assert.Equal(2, await _revalidator.RevalidateAsync(default));

        // Past the cache duration of the first read: still served from the cache, confirmed at MinAge.
        _time.Advance(_options.Session.CacheDuration - _revalidator.MinAge);
        Assert.All(sessions, s => Assert.NotNull(_cache.TryGet(s.Id)));
        // With no further round it ages out a cache duration after its confirmation was asked for.
        _time.Advance(_revalidator.MinAge);
        Assert.All(sessions, s => Assert.Null(_cache.TryGet(s.Id)));
    }

    [Fact]
    public async Task SessionChangedInRedis_MessageLost_DroppedNotRenewed()
    {
        var session = await InUseAsync();
        // A token write whose message never arrived.
        await _redis.GetDatabase().HashSetAsync(RedisKeys.Default.Session(session.Id), "v", session.Version + 1);
        _time.Advance(_revalidator.MinAge);

        Assert.Equal(0, await _revalidator.RevalidateAsync(default));

        Assert.Null(_cache.TryGet(session.Id));
    }

    [Fact]
    public async Task SessionDeletedInRedis_MessageLost_DroppedNotRenewed()
    {
        var kept = await InUseAsync();
        var deleted = await InUseAsync();
        await _redis.GetDatabase().KeyDeleteAsync(RedisKeys.Default.Session(deleted.Id));
        _time.Advance(_revalidator.MinAge);

        Assert.Equal(1, await _revalidator.RevalidateAsync(default));

        Assert.Null(_cache.TryGet(deleted.Id));
        Assert.NotNull(_cache.TryGet(kept.Id));
    }

    [Fact]
    public async Task RedisGone_RoundFailsQuietly_EntryLeftToAgeOut()
    {
        var session = await InUseAsync();
        _time.Advance(_revalidator.MinAge);
        await _server.KillAsync();

        Assert.Equal(0, await _revalidator.RevalidateAsync(default));

        Assert.NotNull(_cache.TryGet(session.Id));
        _time.Advance(_options.Session.CacheDuration - _revalidator.MinAge);
        Assert.Null(_cache.TryGet(session.Id));
    }
}
