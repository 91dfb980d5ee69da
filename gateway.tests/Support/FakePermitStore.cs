using Bff.RateLimiting;

namespace Bff.Tests.Support;

/// <summary>
/// The shared bucket of every instance, in memory: what the Redis script does (a token bucket that hands out up to
/// the wanted permits at once, on the caller's clock), with a count of the leases asked for, an outage switch,
/// and a gate that holds leases until the test opens it.
/// </summary>
internal sealed class FakePermitStore : IPermitStore
{
    private readonly Dictionary<string, (double Permits, long At)> _buckets = [];
    private int _leases;

    /// <summary>Leases asked for, answered or not.</summary>
    public int Leases => Volatile.Read(ref _leases);

    /// <summary>Permits handed out.</summary>
    public int Granted { get; private set; }

    /// <summary>Every lease fails as an unreachable Redis does.</summary>
    public bool Broken { get; set; }

    /// <summary>While set, leases wait for it.</summary>
    public TaskCompletionSource? Gate { get; set; }

    public async Task<PermitGrant> LeaseAsync(RateLimitPolicy policy, string key, int wanted, long nowMilliseconds, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _leases);
        if (Gate is { } gate)
        {
            await gate.Task;
        }

        if (Broken)
        {
            throw new PermitStoreUnavailableException("Rate limit lease failed (RedisConnectionException).");
        }

        lock (_buckets)
        {
            var (permits, at) = _buckets.TryGetValue(key, out var bucket) ? bucket : (policy.Burst, nowMilliseconds);
            if (nowMilliseconds > at)
            {
                permits = Math.Min(policy.Burst, permits + ((nowMilliseconds - at) * policy.PermitsPerMillisecond));
                at = nowMilliseconds;
            }

            var granted = (int)Math.Min(wanted, Math.Floor(permits));
            _buckets[key] = (permits - granted, at);
            Granted += granted;
            return granted > 0
                ? new PermitGrant(granted, 0)
                : new PermitGrant(0, (long)Math.Ceiling((1 - permits) / policy.PermitsPerMillisecond));
        }
    }
}
