using Bff.Telemetry;
using Bff.Tests.Support;
using StackExchange.Redis;

namespace Bff.Tests.Telemetry;

public sealed class RedisCallMetricsTests : IDisposable
{
    private readonly RedisMetricsRecorder _redis = new();

    public void Dispose() => _redis.Dispose();

    [Fact]
    public async Task Answered_DurationRecordedUnderItsOperation()
    {
        Assert.True(await _redis.Metrics.TimeRedisAsync(Task.FromResult(true), "refresh_lock.acquire", TimeSpan.FromSeconds(1), default));

        var duration = Assert.Single(_redis.Durations.GetMeasurementSnapshot());
        Assert.Equal("refresh_lock.acquire", duration.Tags["bff.redis.operation"]);
        Assert.Empty(_redis.Errors());
    }

    [Fact]
    public async Task RedisFails_ErrorCountedByType_ExceptionGoesToTheCaller()
    {
        var call = Task.FromException<bool>(FakeRedis.ConnectionFailure("SET"));

        await Assert.ThrowsAsync<RedisConnectionException>(() => _redis.Metrics.TimeRedisAsync(call, "rate_limit.lease", TimeSpan.FromSeconds(1), default));

        Assert.Equal([("rate_limit.lease", "RedisConnectionException")], _redis.Errors());
        Assert.Empty(_redis.Durations.GetMeasurementSnapshot());
    }

    [Fact]
    public async Task NoAnswerInTime_CountedAsATimeout()
    {
        var never = new TaskCompletionSource<bool>();

        await Assert.ThrowsAsync<TimeoutException>(() => _redis.Metrics.TimeRedisAsync(never.Task, "revocation_queue.claim", TimeSpan.Zero, default));

        Assert.Equal([("revocation_queue.claim", "TimeoutException")], _redis.Errors());
    }

    [Fact]
    public async Task CallerCancels_NeitherRecorded()
    {
        var never = new TaskCompletionSource<bool>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            _redis.Metrics.TimeRedisAsync(never.Task, "refresh_lock.renew", TimeSpan.FromSeconds(1), new CancellationToken(canceled: true)));

        Assert.Empty(_redis.Errors());
        Assert.Empty(_redis.Durations.GetMeasurementSnapshot());
    }

    [Fact]
    public async Task ACallGivenUpOn_FailsLater_ItsFailureIsObserved()
    {
        using var faults = new UnobservedTaskFaults();

        await UnobservedTaskFaults.Isolated(async () =>
        {
            var late = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                _redis.Metrics.TimeRedisAsync(late.Task, "refresh_lock.renew", TimeSpan.FromSeconds(1), new CancellationToken(canceled: true)));
            late.SetException(new RedisConnectionException(ConnectionFailureType.UnableToConnect, faults.Message("late")));
            await Task.Yield();
        });

        Assert.Empty(faults.AfterCollection());
    }
}
