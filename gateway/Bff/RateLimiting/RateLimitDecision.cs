namespace Bff.RateLimiting;

/// <summary>Whether a request may go on, and if not, when a permit can be expected.</summary>
internal readonly record struct RateLimitDecision(bool Allowed, TimeSpan RetryAfter)
{
    public static readonly RateLimitDecision Allow = new(true, TimeSpan.Zero);

    public static RateLimitDecision Deny(long retryAfterMilliseconds) =>
        new(false, TimeSpan.FromMilliseconds(Math.Max(1, retryAfterMilliseconds)));
}
