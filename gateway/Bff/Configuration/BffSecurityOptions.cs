namespace Bff.Configuration;

/// <summary>
/// The <c>Bff:Security</c> section: the thresholds of the security signals and where they are sent. Every signal
/// is logged and counted whatever is set here; the webhook is off while <see cref="WebhookUrl"/> is unset.
/// </summary>
public sealed class BffSecurityOptions
{
    /// <summary>An https (or loopback http) URL that receives every signal as a signed JSON POST.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>The HMAC-SHA256 key of <c>X-Bff-Signature</c>; required with <see cref="WebhookUrl"/>, at least 16 characters.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>Signals waiting for the webhook; more are dropped (and logged) rather than held in memory.</summary>
    public int WebhookQueueCapacity { get; set; } = 1000;

    /// <summary>Undecryptable session cookies one address may send in a minute before <c>invalid_cookie_burst</c>.</summary>
    public int InvalidCookieBurst { get; set; } = 20;

    /// <summary>CSRF refusals one address may cause in a minute before <c>csrf_rejection_burst</c>.</summary>
    public int CsrfRejectionBurst { get; set; } = 20;

    /// <summary>How long a (user agent family, network) pair stays known for a subject after its last login.</summary>
    public TimeSpan NewDeviceWindow { get; set; } = TimeSpan.FromDays(30);
}
