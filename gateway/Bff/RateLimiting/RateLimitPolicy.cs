namespace Bff.RateLimiting;

/// <summary>Which limit a policy is: it names the metric tag and the Redis key of a bucket.</summary>
internal enum RateLimitKind
{
    Session,
    Address,
}

/// <summary>
/// One token bucket's rates, and how many permits an instance leases from the shared bucket at once. A lease of
/// one is exact; a larger lease saves Redis round trips and lets a window admit at most
/// (instances × (lease − 1)) more than the bucket would (see <see cref="PermitLimiter"/>).
/// </summary>
internal sealed class RateLimitPolicy
{
    public RateLimitPolicy(RateLimitKind kind, double permitsPerSecond, int burst, int leaseSize)
    {
        Kind = kind;
        PermitsPerMillisecond = permitsPerSecond / 1000;
        Burst = burst;
        LeaseSize = Math.Clamp(leaseSize, 1, burst);
        FullRefillMilliseconds = (long)Math.Ceiling(burst / PermitsPerMillisecond);
    }

    public RateLimitKind Kind { get; }

    public double PermitsPerMillisecond { get; }

    public int Burst { get; }

    public int LeaseSize { get; }

    /// <summary>How long an empty bucket takes to fill: after that, a bucket nobody used is as good as a new one.</summary>
    public long FullRefillMilliseconds { get; }

    /// <summary>
    /// The lease of the per-session limit: at most a quarter of the burst, so that a few instances cannot hold the
    /// whole bucket between them, and at most a tenth of a second's permits, so that leased permits are spent
    /// soon after they were taken. At least one.
    /// </summary>
    public static int SessionLeaseSize(double permitsPerSecond, int burst) =>
        Math.Max(1, Math.Min(burst / 4, (int)Math.Min(int.MaxValue, Math.Ceiling(permitsPerSecond / 10))));
}
