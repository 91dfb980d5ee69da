using Bff.Configuration;
using Bff.Idp;
using Bff.Redis;
using Bff.Sessions;
using Bff.Tests.Integration.Infrastructure;
using Bff.Tests.Support;
using Bff.Tokens;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StackExchange.Redis.Profiling;

namespace Bff.Tests.Integration.Tokens;

/// <summary>
/// Against a real Redis: before a refresh token is sent, the grace entry its earlier use left and the mark that it is
/// being sent are one round trip; a token answered from its grace entry is not sent, so not marked. Asked beside the
/// lock, the same check is made only for the lock's owner, and never over another token's mark.
/// </summary>
[Trait("Category", "Integration")]
public sealed class RedisRefreshAttemptsTests : IAsyncLifetime
{
    private readonly TestDataProtection _protection = TestDataProtection.InMemory();
    private RedisServer _redis = null!;
    private ConnectionMultiplexer _connection = null!;
    private RedisSessionStore _store = null!;
    private RedisRefreshAttempts _attempts = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _connection = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);
        var options = Options.Create(new BffOptions());
        var health = new SessionStoreHealth();
        var protector = _protection.SessionProtector();
        _store = TestRedisSessionStore.Create(_connection, protector, new SessionCache(options, TimeProvider.System), health, options);
        _attempts = new RedisRefreshAttempts(_connection, RedisKeys.Default, health, options, new Bff.Telemetry.BffMetrics(new TestMeterFactory()), protector);
    }

    public async Task DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _redis.DisposeAsync();
        _protection.Dispose();
    }

    [Fact]
    public async Task NoGraceEntry_MarkedInOneRoundTrip_ThenSeenAsSentBefore()
    {
        var session = TestSessions.New();
        await _store.CreateAsync(session, default);

        var (first, trips) = await CountingRoundTripsAsync(() => _attempts.BeforeSendAsync(_store, session.Id, "rt-1", default));
        var second = await _attempts.BeforeSendAsync(_store, session.Id, "rt-1", default);

        Assert.Equal(1, trips);
        Assert.Equal(new SendCheck(null, false), first);
        Assert.Equal(new SendCheck(null, true), second);
    }

    [Fact]
    public async Task GraceEntry_Returned_TokenNotMarked()
    {
        var (session, refreshed) = await RefreshedFromRt1Async();

        var (check, trips) = await CountingRoundTripsAsync(() => _attempts.BeforeSendAsync(_store, session.Id, "rt-1", default));

        Assert.Equal(1, trips);
        Assert.Equal(refreshed, check.Grace);
        await _connection.GetDatabase().KeyDeleteAsync(RedisKeys.Default.RefreshGrace(session.Id, RedisKeys.Hash("rt-1")));
        Assert.Equal(new SendCheck(null, false), await _attempts.BeforeSendAsync(_store, session.Id, "rt-1", default));
    }

    [Fact]
    public async Task BesideTheLock_ItsOwner_MarksAsBeforeSend()
    {
        await HoldLockAsync("s1", "mine");

        var first = await _attempts.BeforeSendBesideLockAsync("s1", "rt-1", "mine");
        var second = await _attempts.BeforeSendBesideLockAsync("s1", "rt-1", "mine");

        Assert.Equal(new SendCheck(null, false), first);
        Assert.Equal(new SendCheck(null, true), second);
        Assert.Equal(new SendCheck(null, true), await _attempts.BeforeSendAsync(_store, "s1", "rt-1", default));
    }

    [Fact]
    public async Task BesideTheLock_HeldByAnother_NotMade_NothingMarked()
    {
        await HoldLockAsync("s1", "theirs");

        Assert.Null(await _attempts.BeforeSendBesideLockAsync("s1", "rt-1", "mine"));
        Assert.False(await _connection.GetDatabase().KeyExistsAsync(RedisKeys.Default.RefreshSent("s1")));
    }

    [Fact]
    public async Task BesideTheLock_AnotherTokenMarked_NotMade_ItsMarkKept()
    {
        await HoldLockAsync("s1", "mine");
        // rt-2 was sent, and its holder died before saving: the check of rt-2 must still find it sent.
        await _attempts.BeforeSendAsync(_store, "s1", "rt-2", default);

        Assert.Null(await _attempts.BeforeSendBesideLockAsync("s1", "rt-1", "mine"));
        Assert.Equal(new SendCheck(null, true), await _attempts.BeforeSendAsync(_store, "s1", "rt-2", default));
    }

    [Fact]
    public async Task BesideTheLock_GraceEntry_Returned_TokenNotMarked()
    {
        var (session, refreshed) = await RefreshedFromRt1Async();
        await HoldLockAsync(session.Id, "mine");

        var check = await _attempts.BeforeSendBesideLockAsync(session.Id, "rt-1", "mine");

        Assert.Equal(refreshed, check?.Grace);
        Assert.False(await _connection.GetDatabase().KeyExistsAsync(RedisKeys.Default.RefreshSent(session.Id)));
    }

    // A session whose rt-1 was used: its grace entry holds what that refresh got.
    private async Task<(BffSession Session, TokenSet Refreshed)> RefreshedFromRt1Async()
    {
        var session = TestSessions.New();
        await _store.CreateAsync(session, default);
        var refreshed = new TokenSet("at-2", "rt-2", DateTimeOffset.UtcNow.AddMinutes(5));
        await _store.TryUpdateTokensAsync(session.Id, session.Version, refreshed, "rt-1", default);
        return (session, refreshed);
    }

    private Task HoldLockAsync(string id, string owner) => _connection.GetDatabase().StringSetAsync(RedisKeys.Default.RefreshLock(id), owner);

    // The commands this client sent, as StackExchange.Redis's profiler saw them; after the script is loaded, which
    // happens once per connection.
    private async Task<(T Result, int Trips)> CountingRoundTripsAsync<T>(Func<Task<T>> action)
    {
        await _attempts.BeforeSendAsync(_store, "warm-up", "rt-0", default);
        var profiling = new ProfilingSession();
        _connection.RegisterProfiler(() => profiling);
        var result = await action();
        _connection.RegisterProfiler(() => null);
        return (result, profiling.FinishProfiling().Count());
    }
}
