using Bff.Configuration;
using Bff.RateLimiting;
using Bff.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Bff.Tests.RateLimiting;

/// <summary>The rate limit's leases in the gateway's Redis metrics, against Redis's answers and failures without a Redis.</summary>
public sealed class RedisPermitStoreTests : IDisposable
{
    private static readonly RateLimitPolicy Policy = new(RateLimitKind.Session, permitsPerSecond: 10, burst: 20, leaseSize: 5);

    private readonly RedisMetricsRecorder _redis = new();

    public void Dispose() => _redis.Dispose();

    [Fact]
    public async Task Leased_TimedAsARateLimitLease()
    {
        var redis = FakeRedis.Answering(_ => RedisResult.Create(new[] { RedisResult.Create((RedisValue)5), RedisResult.Create((RedisValue)0) }));

        var grant = await Store(redis).LeaseAsync(Policy, "s1", 5, nowMilliseconds: 1_000, default);

        Assert.Equal(5, grant.Granted);
        Assert.Equal("rate_limit.lease", Assert.Single(_redis.Durations.GetMeasurementSnapshot()).Tags["bff.redis.operation"]);
    }

    [Fact]
    public async Task RedisUnreachable_ErrorCounted_StoreUnavailable()
    {
        await Assert.ThrowsAsync<PermitStoreUnavailableException>(() => Store(FakeRedis.Unreachable()).LeaseAsync(Policy, "s1", 5, 1_000, default));

        Assert.Equal([("rate_limit.lease", "RedisConnectionException")],
            _redis.Errors());
        Assert.Empty(_redis.Durations.GetMeasurementSnapshot());
    }

    private RedisPermitStore Store(IConnectionMultiplexer redis) => new(redis, RedisKeys.Default, Options.Create(new BffOptions()), _redis.Metrics);
}
