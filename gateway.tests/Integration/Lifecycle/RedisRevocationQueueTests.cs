using Bff.Configuration;
using Bff.Lifecycle;
using Bff.Redis;
using Bff.Telemetry;
using Bff.Tests.Integration.Infrastructure;
using Bff.Tests.Lifecycle;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Bff.Tests.Integration.Lifecycle;

/// <summary>
/// The revocation queue's contract for the Redis queue, and what only it does (encryption at rest, dropping what it
/// cannot read), against a Redis of its own: every gateway of the shared one drains the shared queue.
/// </summary>
[Trait("Category", "Integration")]
public sealed class RedisRevocationQueueTests : RevocationQueueContract, IAsyncLifetime
{
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

    [Fact]
    public async Task Redis_TokensAreEncryptedAtRest()
    {
        var queue = CreateQueue();

        await queue.EnqueueAsync(Item("a"), Now, default);

        var stored = await _connection.GetDatabase().HashGetAllAsync(RedisKeys.Default.RevocationItems);
        var entry = Assert.Single(stored);
        Assert.DoesNotContain("rt-a", System.Text.Encoding.Latin1.GetString((byte[])entry.Value!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redis_UnreadableItem_DroppedNotReturned()
    {
        var queue = CreateQueue();
        await _connection.GetDatabase().HashSetAsync(RedisKeys.Default.RevocationItems, "bad", "not a protected payload");
        await _connection.GetDatabase().SortedSetAddAsync(RedisKeys.Default.RevocationQueue, "bad", Now.ToUnixTimeMilliseconds());

        Assert.Empty(await queue.ClaimDueAsync(Now, 10, Lease, default));
        Assert.False(await _connection.GetDatabase().HashExistsAsync(RedisKeys.Default.RevocationItems, "bad"));
    }

    private protected override IRevocationQueue CreateQueue() =>
        new RedisRevocationQueue(_connection, RedisKeys.Default, new EphemeralDataProtectionProvider(),
            Options.Create(new BffOptions()), NullLogger<RedisRevocationQueue>.Instance, new BffMetrics(new TestMeterFactory()));
}
