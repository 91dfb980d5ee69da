namespace Bff.Configuration;

/// <summary>
/// The <c>Bff:RateLimit:PerSession</c> section: a token bucket per session, shared by every instance through Redis,
/// for <c>/bff/*</c>, proxied routes and local APIs. Off while <see cref="PermitsPerSecond"/> is unset.
/// </summary>
public sealed class BffSessionRateLimitOptions
{
    /// <summary>How fast the bucket refills: the sustained requests per second a session may make.</summary>
    public double? PermitsPerSecond { get; set; }

    /// <summary>The bucket's size: the most requests a session may make at once. Required with <see cref="PermitsPerSecond"/>.</summary>
    public int? Burst { get; set; }

    internal bool IsEnabled => PermitsPerSecond is not null;
}
