using Bff.Configuration;
using Bff.Lifecycle;
using Bff.Redis;
using Bff.Tests.Integration.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Bff.Tests.Integration.Lifecycle;

/// <summary>
/// The revocation queue's contract, for both implementations: due items only, a lease that hides a claimed
/// item and hands it back if nobody finishes it, replacement by id, completion. The Redis one runs against a
/// Redis of its own (every gateway of the shared one drains the shared queue).
/// </summary>
public sealed class RevocationQueueTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    private RedisServer _redis = null!;
    private ConnectionMultiplexer _connection = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _connection = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _redis.DisposeAsync();
    }

    public static TheoryData<string> Kinds => new() { "redis", "memory" };

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Claim_OnlyDueItems(string kind)
    {
        var queue = Create(kind);
        await queue.EnqueueAsync(Item("now"), Now, default);
        await queue.EnqueueAsync(Item("later"), Now.AddMinutes(1), default);

        var due = await queue.ClaimDueAsync(Now, 10, Lease, default);

        Assert.Equal(["now"], due.Select(i => i.Id));
        Assert.Equal("rt-now", due[0].RefreshToken);
        Assert.Equal("s-now", due[0].SessionId);
        Assert.Equal(["later"], (await queue.ClaimDueAsync(Now.AddMinutes(1), 10, Lease, default)).Select(i => i.Id));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Claimed_HiddenUntilTheLeaseEndsThenBack(string kind)
    {
        var queue = Create(kind);
        await queue.EnqueueAsync(Item("a"), Now, default);
        Assert.Single(await queue.ClaimDueAsync(Now, 10, Lease, default));

        Assert.Empty(await queue.ClaimDueAsync(Now + Lease - TimeSpan.FromSeconds(1), 10, Lease, default));
        Assert.Single(await queue.ClaimDueAsync(Now + Lease, 10, Lease, default));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Completed_NeverComesBack(string kind)
    {
        var queue = Create(kind);
        await queue.EnqueueAsync(Item("a"), Now, default);
        var claimed = Assert.Single(await queue.ClaimDueAsync(Now, 10, Lease, default));

        await queue.CompleteAsync(claimed.Id, default);

        Assert.Empty(await queue.ClaimDueAsync(Now.AddDays(1), 10, Lease, default));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task EnqueueSameId_ReplacesItemAndDueTime(string kind)
    {
        var queue = Create(kind);
        await queue.EnqueueAsync(Item("a"), Now, default);
        var claimed = Assert.Single(await queue.ClaimDueAsync(Now, 10, Lease, default));

        await queue.EnqueueAsync(claimed with { FailedAttempts = 3 }, Now.AddSeconds(40), default);

        Assert.Empty(await queue.ClaimDueAsync(Now.AddSeconds(39), 10, Lease, default));
        var again = Assert.Single(await queue.ClaimDueAsync(Now.AddSeconds(40), 10, Lease, default));
        Assert.Equal(3, again.FailedAttempts);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Claim_AtMostMax(string kind)
    {
        var queue = Create(kind);
        for (var i = 0; i < 5; i++)
        {
            await queue.EnqueueAsync(Item("i" + i), Now, default);
        }

        Assert.Equal(3, (await queue.ClaimDueAsync(Now, 3, Lease, default)).Count);
        Assert.Equal(2, (await queue.ClaimDueAsync(Now, 3, Lease, default)).Count);
    }

    [Fact]
    public async Task Redis_TokensAreEncryptedAtRest()
    {
        var queue = Create("redis");

        await queue.EnqueueAsync(Item("a"), Now, default);

        var stored = await _connection.GetDatabase().HashGetAllAsync(RedisKeys.Default.RevocationItems);
        var entry = Assert.Single(stored);
        Assert.DoesNotContain("rt-a", System.Text.Encoding.Latin1.GetString((byte[])entry.Value!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redis_UnreadableItem_DroppedNotReturned()
    {
        var queue = Create("redis");
        await _connection.GetDatabase().HashSetAsync(RedisKeys.Default.RevocationItems, "bad", "not a protected payload");
        await _connection.GetDatabase().SortedSetAddAsync(RedisKeys.Default.RevocationQueue, "bad", Now.ToUnixTimeMilliseconds());

        Assert.Empty(await queue.ClaimDueAsync(Now, 10, Lease, default));
        Assert.False(await _connection.GetDatabase().HashExistsAsync(RedisKeys.Default.RevocationItems, "bad"));
    }

    private IRevocationQueue Create(string kind) => kind == "redis"
        ? new RedisRevocationQueue(_connection, RedisKeys.Default, new EphemeralDataProtectionProvider(),
            Options.Create(new BffOptions()), NullLogger<RedisRevocationQueue>.Instance)
        : new InMemoryRevocationQueue();

    private static PendingRevocation Item(string name) => new(name, "s-" + name, "rt-" + name, 0);
}
