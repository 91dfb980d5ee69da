using Bff.Configuration;
using Bff.Redis;
using Bff.Sessions;
using Bff.Tests.Integration.Infrastructure;
using Bff.Tests.Support;
using StackExchange.Redis;

namespace Bff.Tests.Integration.Sessions;

/// <summary>
/// What is encrypted for one session decrypts only under that session's id: fields copied in Redis from one
/// session's keys onto another's (by someone with write access to Redis, not to the key ring) read as an
/// invalid session, which the store deletes, whatever this instance decrypted before.
/// </summary>
[Trait("Category", "Integration")]
public sealed class SessionBindingRedisTests : IAsyncLifetime
{
    private readonly TestDataProtection _protection = TestDataProtection.InMemory();
    private StoreInstance _instance = null!;

    private IDatabase Db => _instance.Redis.GetDatabase();

    public async Task InitializeAsync()
    {
        var redis = await SharedServers.GetRedisAsync();
        _instance = await StoreInstance.StartAsync(redis.ConnectionString, _protection, new BffOptions { SessionStoreTimeout = TimeSpan.FromSeconds(1) });
    }

    public async Task DisposeAsync()
    {
        await _instance.DisposeAsync();
        _protection.Dispose();
    }

    private async Task<(BffSession Victim, BffSession Attacker)> TwoSessionsAsync()
    {
        var victim = TestSessions.New("alice");
        var attacker = TestSessions.New("mallory");
        await _instance.Store.CreateAsync(victim, default);
        await _instance.Store.CreateAsync(attacker, default);
        return (victim, attacker);
    }

    private async Task CopyAsync(string from, string to, params RedisValue[] fields)
    {
        var values = await Db.HashGetAsync(RedisKeys.Default.Session(from), fields);
        await Db.HashSetAsync(RedisKeys.Default.Session(to), fields.Zip(values, (f, v) => new HashEntry(f, v)).ToArray());
    }

    [Theory]
    [InlineData("m", "t")]
    [InlineData("m")]
    [InlineData("t")]
    public async Task Read_FieldsCopiedFromAnotherSession_NullAndDeleted(params string[] fields)
    {
        var (victim, attacker) = await TwoSessionsAsync();

        await CopyAsync(victim.Id, attacker.Id, fields.Select(f => (RedisValue)f).ToArray());

        Assert.Null(await _instance.Store.GetFreshAsync(attacker.Id, default));
        Assert.False(await Db.KeyExistsAsync(RedisKeys.Default.Session(attacker.Id)));
        Assert.Equal("alice", (await _instance.Store.GetFreshAsync(victim.Id, default))!.Subject);
    }

    [Fact]
    public async Task Read_BytesThisInstanceDecryptedForAnotherSession_NotReusedForThisOne()
    {
        var (victim, attacker) = await TwoSessionsAsync();
        // Both decrypted and remembered: the victim's bytes are in the payload memo, under the victim's id.
        Assert.NotNull(await _instance.Store.GetFreshAsync(victim.Id, default));
        Assert.NotNull(await _instance.Store.GetFreshAsync(attacker.Id, default));

        await CopyAsync(victim.Id, attacker.Id, "m", "t");

        Assert.Null(await _instance.Store.GetFreshAsync(attacker.Id, default));
        Assert.Null(await _instance.Store.GetAsync(attacker.Id, default));
        Assert.Equal("alice", (await _instance.Store.GetFreshAsync(victim.Id, default))!.Subject);
    }

    [Fact]
    public async Task GraceTokens_CopiedFromAnotherSession_NotFound()
    {
        var (victim, attacker) = await TwoSessionsAsync();
        var written = await _instance.Store.TryUpdateTokensAsync(victim.Id, 1, victim.Tokens with { AccessToken = "access-alice-2" }, "refresh-alice", default);
        Assert.Equal(TokenWriteOutcome.Written, written.Outcome);
        var hash = RedisKeys.Hash("refresh-alice");

        var grace = await Db.StringGetAsync(RedisKeys.Default.RefreshGrace(victim.Id, hash));
        await Db.StringSetAsync(RedisKeys.Default.RefreshGrace(attacker.Id, hash), grace, TimeSpan.FromMinutes(1));

        Assert.Null(await _instance.Store.GetGraceTokensAsync(attacker.Id, "refresh-alice", default));
        Assert.Equal("access-alice-2", (await _instance.Store.GetGraceTokensAsync(victim.Id, "refresh-alice", default))!.AccessToken);
    }
}
