using Bff.Configuration;
using Bff.Redis;
using Bff.Sessions;
using Bff.Tests.Integration.Infrastructure;
using Bff.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Bff.Tests.Integration.Sessions;

/// <summary>
/// The per-frontend sets behind <c>bff.sessions.active</c> in the run's shared Redis: each session scored at the
/// instant its key's TTL ends, moved by a touch, gone when it ends, and expired entries trimmed by the count. The
/// count itself, with sessions ending every way, is in the store contract (<see cref="RedisSessionStoreTests"/>).
/// </summary>
[Trait("Category", "Integration")]
public sealed class RedisActiveSessionsTests : IAsyncLifetime
{
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(30);

    private readonly TestDataProtection _protection = TestDataProtection.InMemory();
    private readonly FakeTimeProvider _time = new();
    private readonly string _frontend = "fe-" + Guid.NewGuid().ToString("N")[..8];
    private ConnectionMultiplexer _redis = null!;

    private IDatabase Db => _redis.GetDatabase();

    private RedisKey Set => RedisKeys.Default.ActiveSessions(_frontend);

    public async Task InitializeAsync()
    {
        _redis = await ConnectionMultiplexer.ConnectAsync((await SharedServers.GetRedisAsync()).ConnectionString);
        // Starting Redis may take seconds: the fake clock starts from the real one after it, as Redis counts TTLs on it.
        _time.SetUtcNow(DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
    }

    public async Task DisposeAsync()
    {
        await _redis.DisposeAsync();
        _protection.Dispose();
    }

    [Fact]
    public async Task Create_ScoredAtTheSessionKeysExpiry_TheSetLivingAsLong()
    {
        var store = CreateStore();
        var session = NewSession();

        await store.CreateAsync(session, default);

        Assert.Equal((double?)(session.LastSeenAt + Idle).ToUnixTimeMilliseconds(), await Db.SortedSetScoreAsync(Set, session.Id));
        // Redis sets the key's expiry on its own clock: the same instant, give or take the test's run so far.
        var keyExpiry = (long)await Db.ExecuteAsync("PEXPIRETIME", RedisKeys.Default.Session(session.Id));
        Assert.InRange(keyExpiry - (session.LastSeenAt + Idle).ToUnixTimeMilliseconds(), 0, 10_000);
        Assert.InRange((long)await Db.ExecuteAsync("PEXPIRETIME", Set), keyExpiry - 10_000, keyExpiry + 10_000);
    }

    [Fact]
    public async Task Touch_MovesTheScore_Delete_RemovesTheEntry()
    {
        var store = CreateStore();
        var session = NewSession();
        await store.CreateAsync(session, default);

        _time.Advance(TimeSpan.FromMinutes(10));
        var touchedAt = _time.GetUtcNow();
        await store.TouchAsync(session, touchedAt, default);
        Assert.Equal((double?)(session.LastSeenAt + Idle).ToUnixTimeMilliseconds(), await Db.SortedSetScoreAsync(Set, session.Id));
        _time.Advance(RedisActiveSessions.FlushInterval);
        Assert.Equal((double?)(touchedAt + Idle).ToUnixTimeMilliseconds(), await Db.SortedSetScoreAsync(Set, session.Id));

        await store.DeleteAsync(session.Id, default);
        Assert.Null(await Db.SortedSetScoreAsync(Set, session.Id));
    }

    [Fact]
    public async Task Touches_WrittenTogetherAtTheNextFlush_NotForASessionEndedBefore()
    {
        var store = CreateStore();
        var sessions = Enumerable.Range(0, 4).Select(_ => NewSession()).ToArray();
        foreach (var session in sessions)
        {
            await store.CreateAsync(session, default);
        }

        _time.Advance(TimeSpan.FromMinutes(10));
        var touchedAt = _time.GetUtcNow();
        foreach (var session in sessions)
        {
            await store.TouchAsync(session, touchedAt, default);
        }

        await store.DeleteAsync(sessions[3].Id, default);
        _time.Advance(RedisActiveSessions.FlushInterval);

        Assert.Equal([.. sessions[..3].Select(s => (double?)(touchedAt + Idle).ToUnixTimeMilliseconds()), null],
            await Task.WhenAll(sessions.Select(s => Db.SortedSetScoreAsync(Set, s.Id))));
    }

    [Fact]
    public async Task Count_DropsTheExpiredEntries()
    {
        var store = CreateStore();
        for (var i = 0; i < 3; i++)
        {
            await store.CreateAsync(NewSession(), default);
        }

        var live = NewSession();
        _time.Advance(Idle - TimeSpan.FromMinutes(1));
        await store.CreateAsync(live with { LastSeenAt = _time.GetUtcNow() }, default);
        _time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(1, await store.CountActiveAsync(_frontend, default));
        Assert.Equal(1, await Db.SortedSetLengthAsync(Set));
    }

    [Fact]
    public async Task Delete_UnreadableSession_DroppedFromEveryFrontendsSet()
    {
        var store = CreateStore(new BffOptions { Session = { IdleTimeout = Idle }, Frontends = [new BffFrontendOptions { Name = _frontend }] });
        var session = NewSession();
        await store.CreateAsync(session, default);
        // Data written for another session, as a key ring that lost its key would leave it: its frontend unknown.
        await Db.HashSetAsync(RedisKeys.Default.Session(session.Id), "m", new byte[] { 1, 2, 3 });

        Assert.Null(await store.DeleteAsync(session.Id, default));
        Assert.Null(await Db.SortedSetScoreAsync(Set, session.Id));
    }

    private BffSession NewSession() =>
        TestSessions.New("alice-" + Guid.NewGuid().ToString("N")[..8], _time.GetUtcNow()) with { Frontend = _frontend };

    private RedisSessionStore CreateStore(BffOptions? options = null)
    {
        var wrapped = Microsoft.Extensions.Options.Options.Create(options ?? new BffOptions { Session = { IdleTimeout = Idle } });
        return TestRedisSessionStore.Create(_redis, _protection.SessionProtector(), new SessionCache(wrapped, _time), new SessionStoreHealth(), wrapped, _time);
    }
}
