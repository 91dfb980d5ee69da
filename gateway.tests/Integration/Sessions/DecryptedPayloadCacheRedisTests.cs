using Bff.Configuration;
using Bff.Idp;
using Bff.Redis;
using Bff.Sessions;
using Bff.Tests.Integration.Infrastructure;
using Bff.Tests.Support;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Bff.Tests.Integration.Sessions;

/// <summary>
/// Reads that go to Redis reuse what was decrypted before only while Redis holds the very same bytes: a
/// session ended, refreshed or tampered with elsewhere is seen as it is in Redis, never as it was.
/// </summary>
[Trait("Category", "Integration")]
public sealed class DecryptedPayloadCacheRedisTests : IAsyncLifetime
{
    private readonly TestDataProtection _protection = TestDataProtection.InMemory();
    private RedisServer _redis = null!;
    private CountingDataProtectionProvider _counting = null!;
    private StoreInstance _a = null!;
    private StoreInstance _b = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        var options = new BffOptions { SessionStoreTimeout = TimeSpan.FromSeconds(1) };
        _counting = new CountingDataProtectionProvider(_protection.Provider);
        _a = await StoreInstance.StartAsync(_redis.ConnectionString, _protection, options);
        _b = await StoreInstance.StartAsync(_redis.ConnectionString, _protection, options, _counting);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _redis.DisposeAsync();
        _protection.Dispose();
    }

    private async Task<BffSession> CreatedOnAAsync()
    {
        var session = TestSessions.New();
        await _a.Store.CreateAsync(session, default);
        return session;
    }

    // GetFreshAsync: the read every cache miss makes, and what a refresh starts from.
    private Task<BffSession?> ReadOnBAsync(string id) => _b.Store.GetFreshAsync(id, default);

    [Fact]
    public async Task Read_UnchangedSession_DecryptedOnce_SameClaimsEveryTime()
    {
        var session = await CreatedOnAAsync();

        var first = await ReadOnBAsync(session.Id);
        var unprotects = _counting.Unprotects;
        var second = await ReadOnBAsync(session.Id);
        var third = await ReadOnBAsync(session.Id);

        Assert.Equal(2, unprotects); // metadata and tokens, on the first read only
        Assert.Equal(unprotects, _counting.Unprotects);
        Assert.Equal(session.Tokens.AccessToken, third!.Tokens.AccessToken);
        // The same claims list, so the authenticator's principal is reused too.
        Assert.Same(first!.Claims, second!.Claims);
        Assert.Same(first.Claims, third.Claims);
    }

    [Fact]
    public async Task Read_PastMaxAge_SameBytesDecryptedAgain_TheFirstReadsClaimsAndTokensKept()
    {
        var session = await CreatedOnAAsync();
        var (store, time, counting) = StoreOnAClock();

        var first = await store.GetFreshAsync(session.Id, default);
        time.Advance(DecryptedPayloadCache.MaxAge);
        var second = await store.GetFreshAsync(session.Id, default);

        Assert.Equal(4, counting.Unprotects); // the key ring was asked again
        Assert.Same(first!.Claims, second!.Claims);
        Assert.Same(first.Tokens, second.Tokens);
    }

    [Fact]
    public async Task Read_KeyRingRefusesIt_ServedFromTheMemoUntilMaxAge_ThenRefusedAndDeleted()
    {
        var session = await CreatedOnAAsync();
        var (store, time, counting) = StoreOnAClock();
        await store.GetFreshAsync(session.Id, default);

        counting.Refusing = true;
        time.Advance(DecryptedPayloadCache.MaxAge - TimeSpan.FromMilliseconds(1));
        Assert.NotNull(await store.GetFreshAsync(session.Id, default));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(await store.GetFreshAsync(session.Id, default));
        Assert.False(await _a.Redis.GetDatabase().KeyExistsAsync(RedisKeys.Default.Session(session.Id)));
    }

    // A store of its own on a fake clock, on A's connection, decrypting through a counter of its own.
    private (RedisSessionStore Store, FakeTimeProvider Time, CountingDataProtectionProvider Counting) StoreOnAClock()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var counting = new CountingDataProtectionProvider(_protection.Provider);
        var options = Options.Create(new BffOptions());
        var store = TestRedisSessionStore.Create(_a.Redis, new SessionProtector(counting, _protection.Gate), new SessionCache(options, time),
            new SessionStoreHealth(), options, time);
        return (store, time, counting);
    }

    [Fact]
    public async Task Read_SessionDeletedInRedis_NullDespiteTheMemo()
    {
        var session = await CreatedOnAAsync();
        Assert.NotNull(await ReadOnBAsync(session.Id));

        // Behind every instance's back: no invalidation message, nothing but Redis knows.
        await _a.Redis.GetDatabase().KeyDeleteAsync(RedisKeys.Default.Session(session.Id));

        Assert.Null(await ReadOnBAsync(session.Id));
    }

    [Fact]
    public async Task Read_AfterTokenWriteElsewhere_NewTokens()
    {
        var session = await CreatedOnAAsync();
        Assert.NotNull(await ReadOnBAsync(session.Id));
        var unprotects = _counting.Unprotects;

        var written = await _a.Store.TryUpdateTokensAsync(session.Id, 1, session.Tokens with { AccessToken = "at-2" }, session.Tokens.RefreshToken, default);
        var read = await ReadOnBAsync(session.Id);

        Assert.Equal(TokenWriteOutcome.Written, written.Outcome);
        Assert.Equal("at-2", read!.Tokens.AccessToken);
        Assert.Equal(2, read.Version);
        Assert.True(_counting.Unprotects > unprotects, "the new tokens were never decrypted");
    }

    [Fact]
    public async Task Read_TokensOverwrittenInRedisWithoutVersionChange_NewBytesDecrypted()
    {
        // Not a path the gateway takes (its scripts change 't' and 'v' together), so the memo must not
        // lean on the version: here only the bytes tell.
        var session = await CreatedOnAAsync();
        Assert.NotNull(await ReadOnBAsync(session.Id));
        var replaced = new TokenSet("at-other", "rt-other", DateTimeOffset.UtcNow.AddMinutes(5));
        await _a.Redis.GetDatabase().HashSetAsync(RedisKeys.Default.Session(session.Id), "t", _protection.SessionProtector().Protect(session.Id, replaced));

        var read = await ReadOnBAsync(session.Id);

        Assert.Equal("at-other", read!.Tokens.AccessToken);
        Assert.Equal(1, read.Version);
    }

    [Fact]
    public async Task Read_TamperedTokens_SessionRefusedAndDeleted()
    {
        var session = await CreatedOnAAsync();
        Assert.NotNull(await ReadOnBAsync(session.Id));
        var db = _a.Redis.GetDatabase();
        var tokens = (byte[])(await db.HashGetAsync(RedisKeys.Default.Session(session.Id), "t"))!;
        tokens[^1] ^= 0x01;
        await db.HashSetAsync(RedisKeys.Default.Session(session.Id), "t", tokens);

        Assert.Null(await ReadOnBAsync(session.Id));
        Assert.False(await db.KeyExistsAsync(RedisKeys.Default.Session(session.Id)));
    }

    [Fact]
    public async Task Invalidation_FromAnotherInstance_ForgetsThePlaintext()
    {
        var session = await CreatedOnAAsync();
        Assert.NotNull(await ReadOnBAsync(session.Id));
        Assert.Equal(1, _b.Cache.Payloads.Count);

        await _a.Store.DeleteAsync(session.Id, default);

        // Well inside the memo's own maximum age (a minute): only the invalidation message can explain it.
        await Eventually.TrueAsync(() => _b.Cache.Payloads.Count == 0, TimeSpan.FromSeconds(10), "the memo to forget the ended session");
    }
}
