namespace Bff.RateLimiting;

/// <summary>
/// A token bucket in this instance alone: what a limit falls back to while Redis is down, and all there is with the
/// in-memory session store. Not thread-safe: its owner locks around it.
/// </summary>
internal sealed class TokenBucket(RateLimitPolicy policy, long nowMilliseconds)
{
    // Refills are fractions (0.002 per ms): their rounding must neither cost a permit nor add a millisecond.
    private const double Dust = 1e-9;

    private double _permits = policy.Burst;
    private long _at = nowMilliseconds;

    /// <summary>Takes one permit, or says in how many milliseconds (at least one) the next one comes.</summary>
    public bool TryTake(long nowMilliseconds, out long retryAfterMilliseconds)
    {
        // A clock that stepped back refills nothing, and never takes permits away.
        if (nowMilliseconds > _at)
        {
            _permits = Math.Min(policy.Burst, _permits + ((nowMilliseconds - _at) * policy.PermitsPerMillisecond));
            _at = nowMilliseconds;
        }

        if (_permits >= 1 - Dust)
        {
            _permits = Math.Max(0, _permits - 1);
            retryAfterMilliseconds = 0;
            return true;
        }

        retryAfterMilliseconds = Math.Max(1, (long)Math.Ceiling(((1 - _permits) / policy.PermitsPerMillisecond) - Dust));
        return false;
    }
}
