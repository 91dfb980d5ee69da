using Bff.Configuration;
using Bff.Redis;
using Bff.Sessions;
using Bff.Telemetry;
using Bff.Tokens;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
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
    public async Task ReleasedByTheTokenWrite_ReleasesNothingMore()
    {
        var clock = new FakeTimeProvider();
        var held = await Lock(Answering(renewed: 1), new SessionStoreHealth(), clock).TryAcquireAsync("s1", default);
        string? owner = null;

        await ((IReleasedByTokenWrite)held!).WriteAndReleaseAsync(given =>
        {
            owner = given;
            return Task.FromResult(TokenWriteResult.Written(2) with { LockReleased = true });
        });
        clock.Advance(Lifetime);
        await held.DisposeAsync();

        Assert.Matches("^[0-9A-F]{32}$", owner);
        Assert.Equal(["refresh_lock.acquire"], Operations());
    }

    [Fact]
    public async Task TokenWriteThatKeptTheLock_ReleasedAtDisposal()
    {
        var held = await Lock(Answering(renewed: 1), new SessionStoreHealth()).TryAcquireAsync("s1", default);

        await ((IReleasedByTokenWrite)held!).WriteAndReleaseAsync(_ => Task.FromResult(TokenWriteResult.Written(2)));
        await held.DisposeAsync();

        Assert.Equal(["refresh_lock.acquire", "refresh_lock.release"], Operations());
    }

    [Fact]
    public async Task HeldPastAThirdOfItsLifetime_RenewedEachThird_NotAfterRelease()
    {
        var clock = new FakeTimeProvider();
        var held = await Lock(Answering(renewed: 1), new SessionStoreHealth(), clock).TryAcquireAsync("s1", default);
        Assert.NotNull(held);

        clock.Advance(Lifetime / 3);
        await _redis.Durations.WaitForMeasurementsAsync(2, TimeSpan.FromSeconds(10));
        clock.Advance(Lifetime / 3);
        await _redis.Durations.WaitForMeasurementsAsync(3, TimeSpan.FromSeconds(10));
        await held.DisposeAsync();
        clock.Advance(Lifetime);

        Assert.Equal(["refresh_lock.acquire", "refresh_lock.renew", "refresh_lock.renew", "refresh_lock.release"], Operations());
    }

    [Fact]
    public async Task RenewalRefused_LockCountedLost()
    {
        using var lost = new MetricCollector<long>(_redis.Meters, BffTelemetry.MeterName, "bff.token.lock.lost");
        var clock = new FakeTimeProvider();
        var held = await Lock(Answering(renewed: 0), new SessionStoreHealth(), clock).TryAcquireAsync("s1", default);

        clock.Advance(Lifetime / 3);
        await lost.WaitForMeasurementsAsync(1, TimeSpan.FromSeconds(10));
        await held!.DisposeAsync();

        Assert.Equal(["refresh_lock.acquire", "refresh_lock.renew", "refresh_lock.release"], Operations());
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

    private static readonly TimeSpan Lifetime = new BffOptions().Tokens.RefreshLockLifetime;

    // The first script a held lock runs is its renewal, if its clock moves; every later one answers 1.
    private static IConnectionMultiplexer Answering(long renewed)
    {
        var scripts = 0;
        return FakeRedis.Answering(command => command switch
        {
            "StringSetAsync" => true,
            "ScriptEvaluateAsync" => RedisResult.Create((RedisValue)(Interlocked.Increment(ref scripts) == 1 ? renewed : 1)),
            _ => throw new NotSupportedException(command),
        });
    }

    private string[] Operations() => [.. _redis.Durations.GetMeasurementSnapshot().Select(m => (string)m.Tags["bff.redis.operation"]!)];

    // Without a clock, on one that never moves, so the held lock is never renewed.
    private RedisRefreshLock Lock(IConnectionMultiplexer redis, SessionStoreHealth health, TimeProvider? clock = null) =>
        new(redis, RedisKeys.Default, health, Options.Create(new BffOptions()), clock ?? new FakeTimeProvider(), NullLogger<RedisRefreshLock>.Instance, _redis.Metrics);
}
