using Bff.RateLimiting;
using Bff.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.RateLimiting;

/// <summary>
/// The lease logic under a fake clock, with instances (limiters) sharing one <see cref="FakePermitStore"/> as gateway
/// instances share Redis.
/// </summary>
public sealed class PermitLimiterTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly FakePermitStore _store = new();

    private static RateLimitPolicy Session(double rate, int burst) =>
        new(RateLimitKind.Session, rate, burst, RateLimitPolicy.SessionLeaseSize(rate, burst));

    private PermitLimiter Instance(RateLimitPolicy policy, PermitStoreHealth? health = null, bool shared = true) =>
        new(policy, shared ? _store : null, health ?? new PermitStoreHealth(NullLogger<PermitStoreHealth>.Instance), _time);

    private static async Task<bool> AllowedAsync(PermitLimiter limiter, string key = "s1") =>
        (await limiter.AcquireAsync(key, default)).Allowed;

    [Fact]
    public async Task SteadyState_OneLeasePerLeaseSize()
    {
        var limiter = Instance(Session(100, 40));

        for (var i = 0; i < 10; i++)
        {
            Assert.True(await AllowedAsync(limiter));
        }

        Assert.Equal(1, _store.Leases);
        Assert.True(await AllowedAsync(limiter));
        Assert.Equal(2, _store.Leases);
    }

    [Fact]
    public async Task EmptyBucket_RefusedWithRetryAfter_NotAskedAgainUntilThen()
    {
        var limiter = Instance(Session(1, 4));
        for (var i = 0; i < 4; i++)
        {
            Assert.True(await AllowedAsync(limiter));
        }

        var refused = await limiter.AcquireAsync("s1", default);
        Assert.False(refused.Allowed);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.RetryAfter);
        var leases = _store.Leases;

        _time.Advance(TimeSpan.FromMilliseconds(999));
        var again = await limiter.AcquireAsync("s1", default);
        Assert.False(again.Allowed);
        Assert.Equal(TimeSpan.FromMilliseconds(1), again.RetryAfter);
        Assert.Equal(leases, _store.Leases);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(await AllowedAsync(limiter));
        Assert.True(await AllowedAsync(limiter, "s2"));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(1)]
    public async Task WorstCase_InstancesHoldingLeases_AdmitBurstPlusInstancesTimesLeaseMinusOne(int instances)
    {
        var policy = Session(100, 40);
        var limiters = Enumerable.Range(0, instances).Select(_ => Instance(policy)).ToList();
        foreach (var limiter in limiters)
        {
            Assert.True(await AllowedAsync(limiter));
        }

        // The shared bucket fills again while every instance still holds LeaseSize - 1 permits of it.
        _time.Advance(TimeSpan.FromSeconds(1));
        var admitted = 0;
        foreach (var limiter in limiters)
        {
            while (await AllowedAsync(limiter))
            {
                admitted++;
            }
        }

        Assert.Equal(10, policy.LeaseSize);
        Assert.Equal(policy.Burst + (instances * (policy.LeaseSize - 1)), admitted);
    }

    [Fact]
    public async Task RandomTraffic_NoWindowAdmitsMoreThanTheBound_AndTheRateIsKept()
    {
        const int instances = 3;
        var policy = Session(50, 20);
        var limiters = Enumerable.Range(0, instances).Select(_ => Instance(policy)).ToList();
        var random = new Random(20261206);
        var admitted = new List<long>();
        var start = _time.GetUtcNow();
        for (var i = 0; i < 20_000; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(random.Next(0, 21)));
            if (await AllowedAsync(limiters[random.Next(instances)]))
            {
                admitted.Add((long)(_time.GetUtcNow() - start).TotalMilliseconds);
            }
        }

        var overshoot = instances * (policy.LeaseSize - 1);
        foreach (var window in new long[] { 0, 100, 1_000, 10_000 })
        {
            var most = 0;
            for (int first = 0, last = 0; first < admitted.Count; first++)
            {
                while (last < admitted.Count && admitted[last] <= admitted[first] + window)
                {
                    last++;
                }

                most = Math.Max(most, last - first);
            }

            Assert.True(most <= policy.Burst + (window * policy.PermitsPerMillisecond) + overshoot,
                $"{most} admitted in {window} ms; bound {policy.Burst + (window * policy.PermitsPerMillisecond) + overshoot}");
        }

        // Offered about 100 requests a second for 200 s against 50 a second: close to the rate gets through.
        var seconds = (_time.GetUtcNow() - start).TotalSeconds;
        Assert.InRange(admitted.Count, 0.95 * 50 * seconds, policy.Burst + (50 * seconds) + overshoot);
    }

    [Fact]
    public async Task ConcurrentRequests_WaitForOneLease()
    {
        var limiter = Instance(Session(100, 40));
        _store.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var pending = Enumerable.Range(0, 5).Select(_ => limiter.AcquireAsync("s1", default).AsTask()).ToList();
        Assert.All(pending, p => Assert.False(p.IsCompleted));
        _store.Gate.SetResult();

        Assert.All(await Task.WhenAll(pending), d => Assert.True(d.Allowed));
        Assert.Equal(1, _store.Leases);
    }

    [Fact]
    public async Task StoreDown_LimitsPerInstance_LoggedOncePerOutage_TriedAgainAfterTheInterval()
    {
        var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs));
        var limiter = Instance(Session(1, 3), new PermitStoreHealth(factory.CreateLogger<PermitStoreHealth>()));
        _store.Broken = true;

        for (var i = 0; i < 3; i++)
        {
            Assert.True(await AllowedAsync(limiter));
        }

        var refused = await limiter.AcquireAsync("s1", default);
        Assert.False(refused.Allowed);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.RetryAfter);
        Assert.Equal(1, _store.Leases);

        _time.Advance(PermitStoreHealth.RetryInterval);
        Assert.True(await AllowedAsync(limiter));
        Assert.Equal(2, _store.Leases);
        Assert.Single(logs.Records, r => r.EventId.Id == BffEventIds.RateLimitStoreUnavailable);

        _store.Broken = false;
        _time.Advance(PermitStoreHealth.RetryInterval);
        Assert.True(await AllowedAsync(limiter));
        Assert.True(await AllowedAsync(limiter));
        Assert.Equal(4, _store.Leases);
        Assert.Single(logs.Records, r => r.EventId.Id == BffEventIds.RateLimitStoreUnavailable);
        Assert.Single(logs.Records, r => r.EventId.Id == BffEventIds.RateLimitStoreBack);
    }

    [Fact]
    public async Task NoStore_AnExactBucketInThisInstance()
    {
        var limiter = Instance(Session(100, 40), shared: false);

        var admitted = 0;
        while (await AllowedAsync(limiter))
        {
            admitted++;
        }

        Assert.Equal(40, admitted);
        Assert.Equal(0, _store.Leases);
    }

    [Fact]
    public async Task IdleKeys_AreForgotten()
    {
        var limiter = Instance(Session(100, 40));
        for (var i = 0; i < 100; i++)
        {
            Assert.True(await AllowedAsync(limiter, "s" + i));
        }

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(await AllowedAsync(limiter, "late"));

        Assert.Equal(1, limiter.Count);
    }
}
