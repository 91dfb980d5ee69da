using Bff.Telemetry;
using Microsoft.Extensions.Logging;

namespace Bff.Security;

/// <summary>
/// Where every security signal goes: a log event of its own id (2901 to 2905), one increment of
/// <c>bff.security.events{kind}</c>, and the webhook's queue when one is configured. Never waits: the webhook
/// sends in the background.
/// </summary>
internal sealed partial class SecurityEvents(BffMetrics metrics, SecurityWebhook webhook, ILogger<SecurityEvents> logger)
{
    public void Raise(SecurityEvent signal)
    {
        metrics.SecurityEvent(signal.Kind);
        switch (signal.Kind)
        {
            case SecurityEventKinds.RefreshTokenReuse:
                LogRefreshTokenReuse(logger, signal.SessionId, signal.Subject);
                break;
            case SecurityEventKinds.NewDevice:
                LogNewDevice(logger, signal.SessionId, signal.Subject, signal.UserAgentFamily, signal.Network);
                break;
            case SecurityEventKinds.InvalidCookieBurst:
                LogInvalidCookieBurst(logger, signal.Count ?? 0, signal.Network);
                break;
            case SecurityEventKinds.CsrfRejectionBurst:
                LogCsrfRejectionBurst(logger, signal.Count ?? 0, signal.Network);
                break;
            case SecurityEventKinds.BackchannelReplay:
                LogBackchannelReplay(logger, signal.Subject);
                break;
        }

        webhook.TryEnqueue(signal);
    }

    [LoggerMessage(EventId = BffEventIds.RefreshTokenReuse, Level = LogLevel.Warning,
        Message = "Security signal refresh_token_reuse: the IdP refused the current refresh token of session {SessionId} (subject {Subject}); it may have been used by someone else")]
    private static partial void LogRefreshTokenReuse(ILogger logger, string? sessionId, string? subject);

    [LoggerMessage(EventId = BffEventIds.NewDevice, Level = LogLevel.Information,
        Message = "Security signal new_device: session {SessionId} of subject {Subject} logged in from {UserAgentFamily} in {Network}, not seen for it within the window")]
    private static partial void LogNewDevice(ILogger logger, string? sessionId, string? subject, string? userAgentFamily, string? network);

    [LoggerMessage(EventId = BffEventIds.InvalidCookieBurst, Level = LogLevel.Warning,
        Message = "Security signal invalid_cookie_burst: {Count} session cookies that do not decrypt within a minute from {Network}")]
    private static partial void LogInvalidCookieBurst(ILogger logger, int count, string? network);

    [LoggerMessage(EventId = BffEventIds.CsrfRejectionBurst, Level = LogLevel.Warning,
        Message = "Security signal csrf_rejection_burst: {Count} CSRF refusals within a minute from {Network}")]
    private static partial void LogCsrfRejectionBurst(ILogger logger, int count, string? network);

    [LoggerMessage(EventId = BffEventIds.BackchannelReplay, Level = LogLevel.Warning,
        Message = "Security signal backchannel_replay: a valid logout token (subject {Subject}) was presented again")]
    private static partial void LogBackchannelReplay(ILogger logger, string? subject);
}
