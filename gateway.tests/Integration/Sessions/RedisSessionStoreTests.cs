using Bff.Redis;
using Bff.Sessions;
using Bff.Tests.Integration.Infrastructure;
using Bff.Tests.Sessions;
using System.Collections.Concurrent;
using StackExchange.Redis;

namespace Bff.Tests.Integration.Sessions;

/// <summary>
/// The session store contract for the Redis store, on the run's shared Redis, with its per-instance cache on. The
/// store's deadlines run on the fake clock, since it judges them itself on every read; the key TTLs Redis counts on
/// its own clock are left to <see cref="RedisSessionLifetimeTests"/>, but for what a write has just set (the
/// session's after a create or a touch, the grace entry's) which needs no waiting.
/// </summary>
[Trait("Category", "Integration")]
public sealed class RedisSessionStoreTests : SessionStoreContract, IAsyncLifetime
{
    private readonly TestDataProtection _protection = TestDataProtection.InMemory();
    private ConnectionMultiplexer _redis = null!;

    public async Task InitializeAsync() =>
        _redis = await ConnectionMultiplexer.ConnectAsync((await SharedServers.GetRedisAsync()).ConnectionString);

    public async Task DisposeAsync()
    {
        await _redis.DisposeAsync();
        _protection.Dispose();
    }

    private protected override ISessionStore CreateStore()
    {
        var options = Microsoft.Extensions.Options.Options.Create(Options);
        var cache = new SessionCache(options, Time);
        // As a gateway runs it once its subscription is confirmed; the store must stay right through its cache.
        cache.Enable();
        return TestRedisSessionStore.Create(_redis, _protection.SessionProtector(), cache, new SessionStoreHealth(), options, Time);
    }

    private protected override async Task ExpectChangeAnnouncedAsync(string id, Func<Task> change)
    {
        var heard = new ConcurrentQueue<string>();
        var channel = await _redis.GetSubscriber().SubscribeAsync(RedisKeys.Default.InvalidationChannel);
        channel.OnMessage(message => heard.Enqueue(message.Message.ToString()));
        try
        {
            await change();
            await Eventually.TrueAsync(() => heard.Any(m => m == RedisSessionStore.InvalidationMessage(id) || (m.StartsWith("v:", StringComparison.Ordinal) && m.EndsWith(":" + id, StringComparison.Ordinal))), TimeSpan.FromSeconds(10),
                "the change to be published on the invalidation channel");
        }
        finally
        {
            await channel.UnsubscribeAsync();
        }
    }

    private protected override async Task AssertStoredTtlAsync(string id, TimeSpan expected)
    {
        var ttl = await _redis.GetDatabase().KeyTimeToLiveAsync(RedisKeys.Default.Session(id));
        Assert.NotNull(ttl);
        // Redis counts the TTL down in real time since the store's write: seconds of it only stand for a stalled machine.
        Assert.InRange(ttl.Value, expected - TimeSpan.FromSeconds(10), expected);
    }

    [Fact]
    public async Task Create_TheSessionsOwnIdleTimeout_InPlainForTheScripts_NoneWithoutOne()
    {
        var store = CreateStore();
        var admin = NewSession() with { Frontend = "admin", IdleTimeout = TimeSpan.FromMinutes(10) };
        var unset = NewSession();

        await store.CreateAsync(admin, default);
        await store.CreateAsync(unset, default);

        var db = _redis.GetDatabase();
        Assert.Equal(600_000, (long)await db.HashGetAsync(RedisKeys.Default.Session(admin.Id), "idle"));
        // Stored as the release before stored every session: the touch and the index take the top-level idle timeout.
        Assert.False(await db.HashExistsAsync(RedisKeys.Default.Session(unset.Id), "idle"));
    }

    [Fact]
    public async Task GraceTokens_KeptByRedisForAtMostTheGracePeriod()
    {
        var store = CreateStore();
        var session = NewSession();
        await store.CreateAsync(session, default);
        var replaced = session.Tokens.RefreshToken!;

        await store.TryUpdateTokensAsync(session.Id, 1, session.Tokens with { AccessToken = "access-2" }, replaced, default);

        var ttl = await _redis.GetDatabase().KeyTimeToLiveAsync(RedisKeys.Default.RefreshGrace(session.Id, RedisKeys.Hash(replaced)));
        Assert.InRange(ttl!.Value, TimeSpan.FromMilliseconds(1), RedisSessionStore.GracePeriod);
    }

    [Fact]
    public async Task Indexes_DeadEntries_DroppedWhenTheBoundIsPassedAndWhenRead()
    {
        Options.Session.MaxSessionsPerUser = 3;
        var store = CreateStore();
        var db = _redis.GetDatabase();
        var (alice, sid) = (Unique("alice"), Unique("sid"));
        var userIndex = RedisKeys.Default.SubjectIndex(RedisKeys.Hash(alice));
        var idpIndex = RedisKeys.Default.IdpSessionIndex(RedisKeys.Hash(sid));
        for (var i = 0; i < 10; i++)
        {
            await store.CreateAsync(NewSession(alice, sid), default);
            // Each idles out before the next login; their absolute deadlines are far off.
            Time.Advance(Idle);
        }

        Assert.InRange(await db.SortedSetLengthAsync(userIndex), 1, 4);
        Assert.InRange(await db.SortedSetLengthAsync(idpIndex), 1, 4);

        var live = NewSession(alice, sid);
        var vanished = NewSession(alice, sid);
        await store.CreateAsync(live, default);
        await store.CreateAsync(vanished, default);
        // As when Redis's own TTL ends a session: the key goes, its index entries stay.
        await db.KeyDeleteAsync(RedisKeys.Default.Session(vanished.Id));

        Assert.Equal([live.Id], (await store.ListBySubjectAsync(alice, default)).Select(s => s.Id));
        Assert.Equal([live.Id], await store.FindByIdpSessionAsync(sid, default));
        Assert.Equal(1, await db.SortedSetLengthAsync(userIndex));
        Assert.Equal(1, await db.SortedSetLengthAsync(idpIndex));
    }
}
