using Bff.Telemetry;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using StackExchange.Redis;

namespace Bff.Tests.Telemetry;

public sealed class RedisCallMetricsTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MetricCollector<double> _durations;
    private readonly MetricCollector<long> _errors;
    private readonly BffMetrics _metrics;

    public RedisCallMetricsTests()
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
    public async Task Answered_DurationRecordedUnderItsOperation()
    {
        Assert.True(await _metrics.TimeRedisAsync(Task.FromResult(true), "refresh_lock.acquire", TimeSpan.FromSeconds(1), default));

        var duration = Assert.Single(_durations.GetMeasurementSnapshot());
        Assert.Equal("refresh_lock.acquire", duration.Tags["bff.redis.operation"]);
        Assert.Empty(Raised());
    }

    [Fact]
    public async Task RedisFails_ErrorCountedByType_ExceptionGoesToTheCaller()
    {
        var call = Task.FromException<bool>(FakeRedis.ConnectionFailure("SET"));

        await Assert.ThrowsAsync<RedisConnectionException>(() => _metrics.TimeRedisAsync(call, "rate_limit.lease", TimeSpan.FromSeconds(1), default));

        Assert.Equal([("rate_limit.lease", "RedisConnectionException")], Raised());
        Assert.Empty(_durations.GetMeasurementSnapshot());
    }

    [Fact]
    public async Task NoAnswerInTime_CountedAsATimeout()
    {
        var never = new TaskCompletionSource<bool>();

        await Assert.ThrowsAsync<TimeoutException>(() => _metrics.TimeRedisAsync(never.Task, "revocation_queue.claim", TimeSpan.Zero, default));

        Assert.Equal([("revocation_queue.claim", "TimeoutException")], Raised());
    }

    [Fact]
    public async Task CallerCancels_NeitherRecorded()
    {
        var never = new TaskCompletionSource<bool>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            _metrics.TimeRedisAsync(never.Task, "refresh_lock.renew", TimeSpan.FromSeconds(1), new CancellationToken(canceled: true)));

        Assert.Empty(Raised());
        Assert.Empty(_durations.GetMeasurementSnapshot());
    }

    // The counter's series at zero, made when the meter starts, are not errors.
    private (string Operation, string Type)[] Raised() =>
        [.. _errors.GetMeasurementSnapshot().Where(m => m.Value > 0).Select(m => ((string)m.Tags["bff.redis.operation"]!, (string)m.Tags["error.type"]!))];
}
