namespace Bff.Configuration;

/// <summary>
/// The <c>Bff:RateLimit:PerAddress</c> section: login starts (<c>/bff/login</c>) per client address, the address
/// after the trusted proxies of <c>Bff:ForwardedHeaders</c>. Off while <see cref="LoginsPerMinute"/> is unset.
/// </summary>
public sealed class BffAddressRateLimitOptions
{
    /// <summary>Login starts one address may make at once, and again every minute after.</summary>
    public int? LoginsPerMinute { get; set; }

    internal bool IsEnabled => LoginsPerMinute is not null;
}
