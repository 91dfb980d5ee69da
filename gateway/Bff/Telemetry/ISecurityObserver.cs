using Microsoft.AspNetCore.Http;

namespace Bff.Telemetry;

/// <summary>
/// What the layers that see a possible attack tell the security signals (<c>Bff.Security</c>), which sit above
/// them: each layer reports what it saw, the signals judge (bursts, devices) and report. The calls on a refusal
/// path are synchronous and never wait for I/O, so a flood of bad requests costs no more than it did.
/// </summary>
internal interface ISecurityObserver
{
    /// <summary>A session cookie that is not one this gateway made, or no key decrypts.</summary>
    void InvalidCookie(HttpContext context);

    /// <summary>A request the CSRF checks refused.</summary>
    void CsrfRejected(HttpContext context);

    /// <summary>The IdP refused, as <c>invalid_grant</c>, a refresh token the gateway held as current with no resend pending.</summary>
    void RefreshTokenReused(string sessionId, string subject);

    /// <summary>A valid back-channel logout token whose <c>jti</c> was already used.</summary>
    void LogoutTokenReplayed(string issuer, string? subject);

    /// <summary>A login created session <paramref name="sessionId"/>; a failure here never fails the login.</summary>
    Task SignedInAsync(HttpContext context, string sessionId, string subject, CancellationToken cancellationToken);
}
