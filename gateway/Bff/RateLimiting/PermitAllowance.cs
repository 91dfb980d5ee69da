namespace Bff.RateLimiting;

/// <summary>
/// What one instance holds for one key of a <see cref="PermitLimiter"/>. <see cref="Remaining"/> is read and
/// decremented without the lock (the steady state); everything else changes under a lock on the entry.
/// </summary>
internal sealed class PermitAllowance
{
    /// <summary>Leased permits not spent yet; at or below zero, none.</summary>
    public int Remaining;

    /// <summary>The shared bucket refused: until then this key is refused here without asking it.</summary>
    public long RefusedUntilMilliseconds;

    /// <summary>The last time a request needed more than a leased permit (the sweep's measure of idleness).</summary>
    public long LastUsedMilliseconds;

    /// <summary>The lease in flight, which other requests of this key wait for.</summary>
    public TaskCompletionSource? Lease;

    /// <summary>The per-instance bucket, while there is no shared store to lease from.</summary>
    public TokenBucket? Local;

    /// <summary>Swept out of the limiter: a request that still found it looks the key up again.</summary>
    public bool Removed;

    public RateLimitDecision TakeLocal(RateLimitPolicy policy, long now)
    {
        Local ??= new TokenBucket(policy, now);
        return Local.TryTake(now, out var retryAfter) ? RateLimitDecision.Allow : RateLimitDecision.Deny(retryAfter);
    }
}
