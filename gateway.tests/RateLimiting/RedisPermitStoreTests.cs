using Bff.Configuration;
using Bff.RateLimiting;
using Bff.Redis;
using Bff.Telemetry;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Bff.Tests.RateLimiting;

/// <summary>The rate limit's leases in the gateway's Redis metrics, against Redis's answers and failures without a Redis.</summary>
public sealed class RedisPermitStoreTests : IDisposable
{
    private static readonly RateLimitPolicy Policy = new(RateLimitKind.Session, permitsPerSecond: 10, burst: 20, leaseSize: 5);

    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MetricCollector<double> _durations;
    private readonly MetricCollector<long> _errors;
    private readonly BffMetrics _metrics;

    public RedisPermitStoreTests()
    {
        var meters = _services.GetRequiredService<IMeterFactory>();
        _metrics = new BffMetrics(meters);
        _durations = new MetricCollector<double>(meters, BffTelemetry.MeterName, "bff.redis.operation.duration");
        _errors = new MetricCollector<long>(meters, BffTelemetry.MeterName, "bff.redis.errors");
    }

    public void Dispose()
    {
        _durations.Dispose();
        _errors.Dispose();
        _services.Dispose();
    }

    [Fact]
    public async Task Leased_TimedAsARateLimitLease()
    {
        var redis = FakeRedis.Answering(_ => RedisResult.Create(new[] { RedisResult.Create((RedisValue)5), RedisResult.Create((RedisValue)0) }));

        var grant = await Store(redis).LeaseAsync(Policy, "s1", 5, nowMilliseconds: 1_000, default);

        Assert.Equal(5, grant.Granted);
        Assert.Equal("rate_limit.lease", Assert.Single(_durations.GetMeasurementSnapshot()).Tags["bff.redis.operation"]);
    }

    [Fact]
    public async Task RedisUnreachable_ErrorCounted_StoreUnavailable()
    {
        await Assert.ThrowsAsync<PermitStoreUnavailableException>(() => Store(FakeRedis.Unreachable()).LeaseAsync(Policy, "s1", 5, 1_000, default));

        Assert.Equal([("rate_limit.lease", "RedisConnectionException")],
            _errors.GetMeasurementSnapshot().Where(m => m.Value > 0).Select(m => ((string)m.Tags["bff.redis.operation"]!, (string)m.Tags["error.type"]!)));
        Assert.Empty(_durations.GetMeasurementSnapshot());
    }

    private RedisPermitStore Store(IConnectionMultiplexer redis) => new(redis, RedisKeys.Default, Options.Create(new BffOptions()), _metrics);
}
