
using Bff.Configuration;
using Bff.Redis;
using Bff.Sessions;
using Bff.Tests.Integration.Infrastructure;
using Bff.Tests.Support;
namespace Bff.Tests.Integration.Sessions;

/// <summary>
/// Stored sessions carry their format (<see cref="SessionFormat"/>): this instance reads its own, refuses the
/// unbound format 1, and leaves a newer one, written by a newer instance in a rolling deploy, untouched.
/// </summary>
[Trait("Category", "Integration")]
public sealed class SessionFormatRedisTests : IAsyncLifetime
{
    private readonly TestDataProtection _protection = TestDataProtection.InMemory();
    private StoreInstance _instance = null!;

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

    [Fact]
    public async Task Create_WritesTheCurrentFormat()
    {
        var session = TestSessions.New();

        await _instance.Store.CreateAsync(session, default);

        Assert.Equal(SessionFormat.Current, (int)await _instance.Redis.GetDatabase().HashGetAsync(RedisKeys.Default.Session(session.Id), "fv"));
        Assert.NotNull(await _instance.Store.GetFreshAsync(session.Id, default));
    }

    [Fact]
    public async Task Read_NewerFormat_NotReadAndNotDeleted()
    {
        var session = TestSessions.New();
        await _instance.Store.CreateAsync(session, default);
        await _instance.Redis.GetDatabase().HashSetAsync(RedisKeys.Default.Session(session.Id), "fv", SessionFormat.Current + 1);

        Assert.Null(await _instance.Store.GetFreshAsync(session.Id, default));
        Assert.True(await _instance.Redis.GetDatabase().KeyExistsAsync(RedisKeys.Default.Session(session.Id)));
    }

    [Fact]
    public async Task Read_FormatOne_NotReadAndDeleted()
    {
        // Format 1 had no fv field and no binding to the session id: its ciphertext could be moved between sessions.
        var session = TestSessions.New();
        await _instance.Store.CreateAsync(session, default);
        await _instance.Redis.GetDatabase().HashDeleteAsync(RedisKeys.Default.Session(session.Id), "fv");

        Assert.Null(await _instance.Store.GetFreshAsync(session.Id, default));
        Assert.False(await _instance.Redis.GetDatabase().KeyExistsAsync(RedisKeys.Default.Session(session.Id)));
    }
}
