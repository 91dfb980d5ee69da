using Bff.Configuration;
using Bff.Redis;
using Bff.Sessions;
using Bff.Tokens;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Bff.Tests.Tokens;

/// <summary>The refresh lock's Redis calls in the gateway's Redis metrics, against Redis's answers and failures without a Redis.</summary>
public sealed class RedisRefreshLockTests : IDisposable
{
    private readonly RedisMetricsRecorder _redis = new();

    public void Dispose() => _redis.Dispose();

    [Fact]
    public async Task AcquiredAndReleased_EachTimedUnderItsOperation()
    {
        var redis = FakeRedis.Answering(command => command switch
        {
            "StringSetAsync" => true,
            "ScriptEvaluateAsync" => RedisResult.Create((RedisValue)1),
            _ => throw new NotSupportedException(command),
        });

        var held = await Lock(redis, new SessionStoreHealth()).TryAcquireAsync("s1", default);
        Assert.NotNull(held);
        await held.DisposeAsync();

        Assert.Equal(["refresh_lock.acquire", "refresh_lock.release"],
            _redis.Durations.GetMeasurementSnapshot().Select(m => (string)m.Tags["bff.redis.operation"]!));
    }

    [Fact]
    public async Task RedisUnreachable_ErrorCounted_StoreMarkedDown()
    {
        var health = new SessionStoreHealth();

        await Assert.ThrowsAsync<SessionStoreUnavailableException>(() => Lock(FakeRedis.Unreachable(), health).TryAcquireAsync("s1", default));

        Assert.Equal([("refresh_lock.acquire", "RedisConnectionException")],
            _redis.Errors());
        Assert.False(health.IsAvailable);
    }

    // On a clock that never moves, so the held lock is never renewed.
    private RedisRefreshLock Lock(IConnectionMultiplexer redis, SessionStoreHealth health) =>
        new(redis, RedisKeys.Default, health, Options.Create(new BffOptions()), new FakeTimeProvider(), NullLogger<RedisRefreshLock>.Instance, _redis.Metrics);
}
