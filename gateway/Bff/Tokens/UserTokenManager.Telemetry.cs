using Bff.Telemetry;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Bff.Tokens;

/// <summary>What a flight tells its span, its metrics and the log.</summary>
internal sealed partial class UserTokenManager
{
    // What the flight's requests were given. A flight the IdP or the store failed is a failed span; a dead grant or an
    // API token the IdP refused is the IdP's answer, not a failure of the gateway's.
    private static void TagResult(Activity activity, AccessTokenResult result, Exception? failure)
    {
        if (failure is not null)
        {
            activity.SetTag("error.type", failure.GetType().Name).SetStatus(ActivityStatusCode.Error);
            return;
        }

        var status = result.Status switch
        {
            AccessTokenStatus.Usable => "usable",
            AccessTokenStatus.SessionEnded => "session_ended",
            AccessTokenStatus.IdpUnavailable => "idp_unavailable",
            _ => "refused",
        };
        activity.SetTag("bff.token.result", status);
        if (result.Status == AccessTokenStatus.IdpUnavailable)
        {
            activity.SetTag("error.type", status).SetStatus(ActivityStatusCode.Error);
        }
    }

    private void RecordWait(bool waited, long started)
    {
        if (waited)
        {
            metrics.LockWait(Stopwatch.GetElapsedTime(started));
        }
    }

    [LoggerMessage(EventId = BffEventIds.RefreshWaitTimedOut, Level = LogLevel.Warning, Message = "Gave up waiting for another refresh of session {SessionId}")]
    private static partial void LogWaitTimedOut(ILogger logger, string sessionId);
}
