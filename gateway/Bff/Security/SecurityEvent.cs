namespace Bff.Security;

/// <summary>
/// One security signal, as logged and sent to the webhook. It names the session by its public handle and the
/// user by subject, never by a token, cookie or session secret.
/// </summary>
/// <param name="Kind">One of <see cref="SecurityEventKinds"/>.</param>
/// <param name="Time">When the gateway saw it.</param>
/// <param name="SessionId">The session's public handle (the <c>session.id</c> of <c>/bff/user</c>), when there is one.</param>
/// <param name="Subject">The user's <c>sub</c>, when known.</param>
/// <param name="Network">The client's /24 (IPv4) or /64 (IPv6) network, when the signal is about an address.</param>
/// <param name="UserAgentFamily">The browser family and operating system of a new device.</param>
/// <param name="Count">For a burst: how many were seen in the minute.</param>
internal sealed record SecurityEvent(
    string Kind,
    DateTimeOffset Time,
    string? SessionId = null,
    string? Subject = null,
    string? Network = null,
    string? UserAgentFamily = null,
    int? Count = null)
{
    /// <summary>A random id, so that a receiver can drop a delivery it already has (retries repeat it).</summary>
    public string Id { get; init; } = Guid.NewGuid().ToString("N");
}

/// <summary>The values of <see cref="SecurityEvent.Kind"/> and of the <c>kind</c> attribute of <c>bff.security.events</c>.</summary>
internal static class SecurityEventKinds
{
    public const string RefreshTokenReuse = "refresh_token_reuse";
    public const string NewDevice = "new_device";
    public const string InvalidCookieBurst = "invalid_cookie_burst";
    public const string CsrfRejectionBurst = "csrf_rejection_burst";
    public const string BackchannelReplay = "backchannel_replay";
}
