using Bff.Configuration;
using Bff.Redis;
using Bff.Sessions;
using Bff.Tests.Integration.Infrastructure;
using Bff.Tests.Support;
using System.Diagnostics;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Bff.Tests.Integration.Sessions;

/// <summary>
/// The contract's revocation rules for a per-instance session cache, against a real Redis: revocations
/// reach every instance fast, and no failure (dead subscription, silent subscription, Redis down, a read
/// racing an invalidation) lets a revoked session be used for longer than the cache duration.
/// </summary>
[Trait("Category", "Integration")]
public sealed class CrossInstanceCacheTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TestDataProtection _protection = TestDataProtection.InMemory();
    private RedisServer _redis = null!;
    private StoreInstance _a = null!;
    private StoreInstance _b = null!;

    private static BffOptions Options(TimeSpan cacheDuration) => new()
    {
        SessionStoreTimeout = TimeSpan.FromSeconds(1),
        Session = { CacheDuration = cacheDuration },
    };

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        // Long enough that only the invalidation machinery, not ageing, can explain a fast eviction.
        var options = Options(TimeSpan.FromSeconds(20));
        _a = await StoreInstance.StartAsync(_redis.ConnectionString, _protection, options);
        _b = await StoreInstance.StartAsync(_redis.ConnectionString, _protection, options);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _redis.DisposeAsync();
        _protection.Dispose();
    }

    private async Task<BffSession> CachedOnBAsync()
    {
        var session = StoreInstance.NewSession();
        await _a.Store.CreateAsync(session, default);
        Assert.NotNull(await _b.Store.GetAsync(session.Id, default));
        Assert.NotNull(_b.Cache.TryGet(session.Id));
        return session;
    }

    [Fact]
    public async Task Delete_OnOneInstance_EvictsOtherInstancesCacheWithin100ms()
    {
        var latencies = new List<TimeSpan>();
        for (var i = 0; i < 10; i++)
        {
            var session = await CachedOnBAsync();

            await _a.Store.DeleteAsync(session.Id, default);
            var watch = Stopwatch.StartNew();
            while (await _b.Store.GetAsync(session.Id, default) is not null)
            {
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), "never evicted");
                await Task.Delay(1);
            }

            latencies.Add(watch.Elapsed);
        }

        output.WriteLine("eviction latencies (ms): " + string.Join(", ", latencies.Select(l => l.TotalMilliseconds.ToString("F1"))));
        Assert.True(latencies.Max() < TimeSpan.FromMilliseconds(100), "slowest eviction " + latencies.Max().TotalMilliseconds + " ms");
    }

    [Fact]
    public async Task TokenWrite_OnOneInstance_OtherInstanceSeesNewTokens()
    {
        var session = await CachedOnBAsync();

        var written = await _a.Store.TryUpdateTokensAsync(session.Id, 1, session.Tokens with { AccessToken = "at-2" }, "rt", default);

        Assert.Equal(TokenWriteOutcome.Written, written.Outcome);
        await StoreInstance.WaitAsync(() => _b.Cache.TryGet(session.Id) is null, TimeSpan.FromSeconds(1), "eviction");
        Assert.Equal("at-2", (await _b.Store.GetAsync(session.Id, default))!.Tokens.AccessToken);
    }

    [Fact]
    public async Task PubSubConnectionKilled_CacheDropped_RevokedSessionRefusedWithinCacheDuration()
    {
        var session = await CachedOnBAsync();
        await using var admin = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString + ",allowAdmin=true");

        var watch = Stopwatch.StartNew();
        await admin.GetDatabase().ExecuteAsync("CLIENT", "KILL", "TYPE", "pubsub");
        await _a.Store.DeleteAsync(session.Id, default);

        while (await _b.Store.GetAsync(session.Id, default) is not null)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), "the revoked session was served for the whole cache duration");
            await Task.Delay(5);
        }

        output.WriteLine($"refused after {watch.Elapsed.TotalMilliseconds:F0} ms (cache duration 20 s)");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3));

        // The subscription comes back and proves itself: caching resumes.
        await StoreInstance.WaitAsync(() => _b.Cache.IsEnabled, TimeSpan.FromSeconds(10), "the cache to come back");
    }

    [Fact]
    public async Task SilentSubscriptionLoss_SelfPingTurnsCacheOff_RevokedSessionRefused()
    {
        var session = await CachedOnBAsync();

        // Messages stop arriving without any connection event: only the self-ping can tell.
        await _b.Redis.GetSubscriber().UnsubscribeAllAsync();
        await _a.Store.DeleteAsync(session.Id, default);
        var watch = Stopwatch.StartNew();

        while (await _b.Store.GetAsync(session.Id, default) is not null)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), "the revoked session was served for the whole cache duration");
            await Task.Delay(5);
        }

        output.WriteLine($"refused after {watch.Elapsed.TotalMilliseconds:F0} ms (cache duration 20 s, ping interval 1 s)");
        Assert.False(_b.Cache.IsEnabled);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task ReadsRacingDeletes_NeverResurrectASession()
    {
        for (var i = 0; i < 50; i++)
        {
            var session = StoreInstance.NewSession();
            await _a.Store.CreateAsync(session, default);

            var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(() => _b.Store.GetFreshAsync(session.Id, default))).ToArray();
            await _a.Store.DeleteAsync(session.Id, default);
            await Task.WhenAll(readers);

            // Give the invalidation time to land; after that nothing may bring the session back.
            await Task.Delay(50);
            Assert.Null(await _b.Store.GetAsync(session.Id, default));
            Assert.Null(_b.Cache.TryGet(session.Id));
        }
    }

    [Fact]
    public async Task RedisDown_503EvenForCachedSessions_UntilItIsBack()
    {
        var session = await CachedOnBAsync();

        await _redis.KillAsync();
        await StoreInstance.WaitAsync(() => !_b.Health.IsAvailable, TimeSpan.FromSeconds(5), "the outage to be noticed");
        await Assert.ThrowsAsync<SessionStoreUnavailableException>(async () => await _b.Store.GetAsync(session.Id, default));

        await _redis.RestartAsync();
        await StoreInstance.WaitAsync(() => _b.Health.IsAvailable, TimeSpan.FromSeconds(15), "Redis to be back");

        // The restarted Redis is empty: the session is gone, and no cached copy may say otherwise.
        Assert.Null(await _b.Store.GetAsync(session.Id, default));
    }

    [Fact]
    public async Task Indexes_ListBySubjectAndIdpSession_FollowCreateAndDelete()
    {
        var first = StoreInstance.NewSession();
        var second = StoreInstance.NewSession() with { IdpSessionId = "idp-2" };
        await _a.Store.CreateAsync(first, default);
        await _a.Store.CreateAsync(second, default);

        var listed = await _b.Store.ListBySubjectAsync("alice", default);
        Assert.Contains(listed, s => s.Id == first.Id);
        Assert.Contains(listed, s => s.Id == second.Id);
        Assert.Equal([second.Id], await _b.Store.FindByIdpSessionAsync("idp-2", default));

        await _a.Store.DeleteAsync(second.Id, default);

        Assert.DoesNotContain(await _b.Store.ListBySubjectAsync("alice", default), s => s.Id == second.Id);
        Assert.Empty(await _b.Store.FindByIdpSessionAsync("idp-2", default));
    }
}
