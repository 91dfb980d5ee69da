namespace Bff.Configuration;

/// <summary>The <c>Bff:RateLimit</c> section: every limit is off until its rate is set.</summary>
public sealed class BffRateLimitOptions
{
    /// <summary>A token bucket per session over every instance (<c>PerSession</c>).</summary>
    public BffSessionRateLimitOptions PerSession { get; set; } = new();

    /// <summary>Login starts per client address (<c>PerAddress</c>).</summary>
    public BffAddressRateLimitOptions PerAddress { get; set; } = new();

    internal bool IsEnabled => PerSession.IsEnabled || PerAddress.IsEnabled;
}
