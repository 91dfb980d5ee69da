using Bff.Configuration;
using Bff.Idp;
using Bff.Lifecycle;
using Bff.Redis;
using Bff.Sessions;
using Bff.Telemetry;
using Bff.Tokens;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Bff.Tests.Telemetry;

/// <summary>
/// The gateway's own spans, as a tracer sees them: a session load from Redis or from the cache, a refresh that waits
/// for another instance's lock, a revocation. Back-channel logout's span is checked through a host, in
/// <c>BackchannelLogoutEndpointTests</c>; what the spans cost with no tracer, in <see cref="BffActivitySourceIdleTests"/>.
/// </summary>
public sealed class BffActivitySourceTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly FakeOidcProvider _idp = new();
    private readonly IOptions<BffOptions> _options = Options.Create(new BffOptions { ClientId = "bff", ClientSecret = "secret" });
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly TestDataProtection _protection = TestDataProtection.InMemory();
    private readonly BffMetrics _metrics;
    private readonly InMemorySessionStore _store;

    public BffActivitySourceTests()
    {
        _metrics = new BffMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        _store = new InMemorySessionStore(_options, _time);
    }

    public void Dispose()
    {
        _protection.Dispose();
        _idp.Dispose();
        _services.Dispose();
    }

    [Fact]
    public async Task SessionLoad_FromRedisThenFromTheCache_TaggedByWhereItWasFound()
    {
        using var spans = new SpanRecorder();
        var protector = _protection.SessionProtector();
        var session = TestSessions.New("alice", _time.GetUtcNow());
        RedisValue[] stored =
        [
            protector.Protect(session.Id, SessionProtector.MetadataOf(session)), protector.Protect(session.Id, session.Tokens), session.Version,
            session.LastSeenAt.ToUnixTimeMilliseconds(), session.AbsoluteExpiresAt.ToUnixTimeMilliseconds(), SessionFormat.Current,
        ];
        var store = Store(FakeRedis.Answering(command => command == "HashGetAsync" ? stored : throw new NotSupportedException(command)));

        Assert.Equal(session.Id, (await store.GetAsync(session.Id, default))?.Id);
        Assert.Equal(session.Id, (await store.GetAsync(session.Id, default))?.Id);

        var loads = spans.Named(BffActivitySource.SessionLoad);
        Assert.Equal([false, true], loads.Select(span => (bool)span.GetTagItem("bff.session.cache_hit")!));
        Assert.All(loads, span => Assert.Equal(ActivityStatusCode.Unset, span.Status));
    }

    [Fact]
    public async Task SessionLoad_RedisFails_SpanFailedWithRedisError()
    {
        using var spans = new SpanRecorder();
        var store = Store(FakeRedis.Unreachable());

        await Assert.ThrowsAsync<SessionStoreUnavailableException>(() => store.GetAsync("s1", default).AsTask());

        var load = Assert.Single(spans.Named(BffActivitySource.SessionLoad));
        Assert.Equal(false, load.GetTagItem("bff.session.cache_hit"));
        Assert.Equal(ActivityStatusCode.Error, load.Status);
        Assert.Equal("RedisConnectionException", load.GetTagItem("error.type"));
    }

    [Fact]
    public async Task TokenRefresh_LockHeldByAnotherInstance_SpanSaysItWaitedThenRefreshedHere()
    {
        using var spans = new SpanRecorder();
        var waiters = new RefreshWaiters();
        var refusedOnce = new RefusedOnceLock(new InProcessRefreshLock(waiters));
        var manager = Manager(refusedOnce, waiters);
        var session = await SeedAsync();
        _idp.RespondTokens("at-2", "rt-2");

        var request = manager.GetAsync(session, default).AsTask();
        await refusedOnce.Refused;
        // The other instance's release, as its pub/sub message wakes this one's waiters.
        waiters.OnSessionChanged(session.Id);
        var result = await request;

        Assert.Equal("at-2", result.Token?.AccessToken);
        var refresh = Assert.Single(spans.Named(BffActivitySource.TokenRefresh));
        Assert.Equal(true, refresh.GetTagItem("bff.token.lock_waited"));
        Assert.Equal(true, refresh.GetTagItem("bff.token.refreshed_here"));
        Assert.Equal("usable", refresh.GetTagItem("bff.token.result"));
        Assert.Equal(ActivityStatusCode.Unset, refresh.Status);
    }

    [Fact]
    public async Task TokenRefresh_LockNeverFreed_WaitRunsOut_SpanFailed()
    {
        using var spans = new SpanRecorder();
        var manager = Manager(new HeldElsewhere(), new RefreshWaiters());
        var session = await SeedAsync();

        var request = manager.GetAsync(session, default).AsTask();
        await Eventually.TrueAsync(() =>
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            return request.IsCompleted;
        }, TimeSpan.FromSeconds(30), "the wait to reach its deadline");
        await request;

        var refresh = Assert.Single(spans.Named(BffActivitySource.TokenRefresh));
        Assert.Equal(true, refresh.GetTagItem("bff.token.lock_waited"));
        Assert.Equal(true, refresh.GetTagItem("bff.token.lock_wait_timed_out"));
        Assert.Null(refresh.GetTagItem("bff.token.refreshed_here"));
        Assert.Equal("idp_unavailable", refresh.GetTagItem("bff.token.result"));
        Assert.Equal(ActivityStatusCode.Error, refresh.Status);
        Assert.Empty(_idp.TokenRequests);
    }

    [Fact]
    public async Task Revocation_OneSpanPerIdpCall_FailureMarked()
    {
        using var spans = new SpanRecorder();
        var client = TestIdpTokenClient.Create(_idp, _options, _metrics, _time);
        var revoker = new RefreshTokenRevoker(client, new InMemoryRevocationQueue(), _time, _metrics, NullLogger<RefreshTokenRevoker>.Instance);

        Assert.True(await revoker.RevokeNowAsync("s1", "rt-1"));
        _idp.RespondToRevocation(503);
        Assert.False(await revoker.RevokeNowAsync("s2", "rt-2"));

        Assert.Equal([("success", ActivityStatusCode.Unset), ("failure", ActivityStatusCode.Error)],
            spans.Named(BffActivitySource.Revocation).Select(span => ((string)span.GetTagItem("bff.revocation.outcome")!, span.Status)));
    }

    private RedisSessionStore Store(IConnectionMultiplexer redis)
    {
        var cache = new SessionCache(_options, _time);
        cache.Enable();
        return TestRedisSessionStore.Create(redis, _protection.SessionProtector(), cache, new SessionStoreHealth(), _options, _time);
    }

    private UserTokenManager Manager(IRefreshLock refreshLock, RefreshWaiters waiters)
    {
        var client = TestIdpTokenClient.Create(_idp, _options, _metrics, _time);
        return TestUserTokenManager.Create(_store, client, _options, _metrics, _time, refreshLock, waiters);
    }

    // A session whose access token is within the refresh window.
    private async Task<BffSession> SeedAsync()
    {
        var now = _time.GetUtcNow();
        var session = TestSessions.New("alice", now) with { Tokens = new TokenSet("at-1", "rt-1", now.AddSeconds(30)) };
        await _store.CreateAsync(session, default);
        return session;
    }

    /// <summary>Held by another instance at the first try, free after.</summary>
    private sealed class RefusedOnceLock(IRefreshLock inner) : IRefreshLock
    {
        private readonly TaskCompletionSource _refused = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Refused => _refused.Task;

        public Task<IAsyncDisposable?> TryAcquireAsync(string sessionId, CancellationToken cancellationToken) =>
            _refused.TrySetResult() ? Task.FromResult<IAsyncDisposable?>(null) : inner.TryAcquireAsync(sessionId, cancellationToken);
    }

    private sealed class HeldElsewhere : IRefreshLock
    {
        public Task<IAsyncDisposable?> TryAcquireAsync(string sessionId, CancellationToken cancellationToken) =>
            Task.FromResult<IAsyncDisposable?>(null);
    }
}
