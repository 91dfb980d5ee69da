using Bff.Idp;
using Bff.Redis;
using Bff.Sessions;
using Bff.Tests.Integration.Infrastructure;
using Bff.Tests.Support;
using Bff.Tokens;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using StackExchange.Redis.Profiling;

namespace Bff.Tests.Integration.Tokens;

/// <summary>
/// What one refresh asks of a real Redis: the lock, the session's read, and the grace check and the mark that the token
/// is being sent, asked together; then the write of the new tokens, which also releases the lock: four commands in two
/// round trips.
/// </summary>
[Trait("Category", "Integration")]
public sealed class RedisRefreshCommandsTests : IAsyncLifetime
{
    private readonly TestDataProtection _protection = TestDataProtection.InMemory();
    private readonly TestUserTokenManager _parts = new();
    private RedisServer _redis = null!;
    private ConnectionMultiplexer _connection = null!;
    private RedisSessionStore _store = null!;
    private UserTokenManager _manager = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _connection = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);
        var health = new SessionStoreHealth();
        var protector = _protection.SessionProtector();
        _store = TestRedisSessionStore.Create(_connection, protector, new SessionCache(_parts.OptionsAccessor, _parts.Time), health, _parts.OptionsAccessor, _parts.Time);
        var refreshLock = new RedisRefreshLock(_connection, RedisKeys.Default, health, _parts.OptionsAccessor, _parts.Time,
            NullLogger<RedisRefreshLock>.Instance, _parts.Metrics);
        var attempts = new RedisRefreshAttempts(_connection, RedisKeys.Default, health, _parts.OptionsAccessor, _parts.Metrics, protector);
        _manager = _parts.Manager(_store, refreshLock, attempts: attempts);
    }

    public async Task DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _redis.DisposeAsync();
        _protection.Dispose();
        _parts.Dispose();
    }

    [Fact]
    public async Task Refresh_FourCommandsInTwoRoundTrips_TheWriteReleasesTheLock()
    {
        // Each script is loaded once per connection: a first refresh does it.
        _parts.Idp.RespondTokens("at-2", "rt-2");
        await _manager.GetAsync(await SeedAsync("warm-up"), default);
        var session = await SeedAsync("s1");

        var profiling = new ProfilingSession();
        _connection.RegisterProfiler(() => profiling);
        var result = await _manager.GetAsync(session, default);

        // A release of its own would come after the flight's result: profiled until the lock is gone, seen from elsewhere.
        await using var observer = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);
        await Eventually.TrueAsync(async () => !await observer.GetDatabase().KeyExistsAsync(RedisKeys.Default.RefreshLock(session.Id)),
            TimeSpan.FromSeconds(10), "the lock to be released");
        _connection.RegisterProfiler(() => null);

        Assert.Equal("at-2", result.Session!.Tokens.AccessToken);
        var commands = profiling.FinishProfiling().OrderBy(c => c.CommandCreated).ToList();
        // As the client asked for them (a script goes out as EVALSHA once loaded).
        Assert.Equal(["SET", "HMGET", "EVAL", "EVAL"], commands.Select(c => c.Command));
        // The read and the mark went out before the lock's answer came back, the write after it: two round trips.
        var lockAnswered = commands[0].CommandCreated + commands[0].CreationToEnqueued + commands[0].EnqueuedToSending + commands[0].SentToResponse;
        Assert.All(commands.Take(3), c => Assert.True(c.CommandCreated < lockAnswered, c.Command + " asked after the lock's answer"));
        Assert.True(commands[3].CommandCreated > lockAnswered, "the write asked before the lock's answer");
    }

    [Fact]
    public async Task Refresh_StartedFromAnOlderToken_ChecksTheStoredOne()
    {
        _parts.Idp.RespondTokens("at-2", "rt-2");
        var stored = await SeedAsync("s1");
        var started = stored with { Tokens = stored.Tokens with { RefreshToken = "rt-0" } };

        var result = await _manager.GetAsync(started, default);

        Assert.Equal("at-2", result.Session!.Tokens.AccessToken);
        Assert.Contains("refresh_token=rt-1", Assert.Single(_parts.Idp.TokenRequests), StringComparison.Ordinal);
        // The stored token's check was made: its mark, not the older token's, is what a later holder finds.
        Assert.Equal(RedisKeys.Hash("rt-1"), (string?)await _connection.GetDatabase().StringGetAsync(RedisKeys.Default.RefreshSent("s1")));
    }

    [Fact]
    public async Task FinalWrite_ReleasesOnlyTheLockOfItsOwner()
    {
        var session = await SeedAsync("s1");
        var lockKey = await HoldLockAsync(session.Id, "theirs");

        var write = await _store.TryUpdateTokensAndReleaseAsync(session, Refreshed(), "rt-1", "mine", default);

        Assert.Equal((TokenWriteOutcome.Written, true), (write.Outcome, write.LockReleased));
        Assert.Equal("theirs", (string?)await _connection.GetDatabase().StringGetAsync(lockKey));
    }

    [Fact]
    public async Task FinalWrite_LosingTheRace_StillReleases_AndWakesTheWaiters()
    {
        var session = await SeedAsync("s1");
        var lockKey = await HoldLockAsync(session.Id, "mine");
        var heard = await _connection.GetSubscriber().SubscribeAsync(RedisKeys.Default.InvalidationChannel);

        var write = await _store.TryUpdateTokensAndReleaseAsync(session with { Version = 7 }, Refreshed(), "rt-1", "mine", default);

        Assert.Equal((TokenWriteOutcome.VersionConflict, true), (write.Outcome, write.LockReleased));
        Assert.False(await _connection.GetDatabase().KeyExistsAsync(lockKey));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.Equal("r:" + session.Id, (string?)(await heard.ReadAsync(timeout.Token)).Message);
    }

    // The session's refresh lock, as RedisRefreshLock holds it for this owner.
    private async Task<RedisKey> HoldLockAsync(string id, string owner)
    {
        var key = RedisKeys.Default.RefreshLock(id);
        await _connection.GetDatabase().StringSetAsync(key, owner);
        return key;
    }

    private TokenSet Refreshed() => new("at-2", "rt-2", _parts.Time.GetUtcNow().AddMinutes(5));

    // Due: its access token expires within the refresh window.
    private async Task<BffSession> SeedAsync(string id)
    {
        var now = _parts.Time.GetUtcNow();
        var session = TestSessions.New("alice", now) with
        {
            Id = id,
            Tokens = new TokenSet("at-1", "rt-1", now.AddSeconds(10)),
            AbsoluteExpiresAt = now.AddHours(8),
        };
        await _store.CreateAsync(session, default);
        return session;
    }
}
