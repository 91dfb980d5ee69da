using Bff.Redis;
using Bff.Sessions;
using Bff.Telemetry;
using Microsoft.Extensions.Logging;

namespace Bff.Lifecycle;

/// <summary>
/// Ends sessions on purpose (logout, the sessions API, back-channel logout): deletes the session in the
/// store first, which every instance hears about at once, and only then revokes its refresh token at the
/// IdP, so a slow or failing IdP can never keep a session alive.
/// </summary>
internal sealed partial class SessionTerminator(
    ISessionStore store,
    RefreshTokenRevoker revoker,
    BffMetrics metrics,
    IEnumerable<ISessionChangeObserver> observers,
    ILogger<SessionTerminator> logger)
{
    private readonly ISessionChangeObserver[] _observers = [.. observers];

    /// <summary>The session as it was when it ended, or null when it was already gone.</summary>
    /// <param name="id">The session's public id.</param>
    /// <param name="reason">
    /// The <c>bff.sessions.ended</c> reason: logout, revoked, backchannel, invalid_grant, expired (no refresh token
    /// left), replaced (a new login in the same browser), evicted (a login beyond the user's session limit) or
    /// login_failed (the callback failed after sign-in).
    /// </param>
    /// <param name="timing">Whether the refresh token is revoked before this returns, in the background, or not at all.</param>
    public async Task<BffSession?> EndAsync(string id, string reason, RevocationTiming timing)
    {
        // Not the request's token: a caller that hangs up half-way must not leave the grant unrevoked.
        var ended = await store.DeleteAsync(id, CancellationToken.None);
        if (ended is null)
        {
            // Confirmed all the same: a caller retrying an end that failed to replicate learns whether it has now.
            await ConfirmReplicatedAsync(id);
            return null;
        }

        metrics.SessionEnded(reason);
        LogEnded(logger, id, reason);
        // This instance's observers hear of it now, whatever the store: the in-memory one announces nothing.
        foreach (var observer in _observers)
        {
            observer.OnSessionChanged(id);
        }

        if (ended.Tokens.RefreshToken is { Length: > 0 } refreshToken)
        {
            switch (timing)
            {
                case RevocationTiming.Now:
                    await revoker.RevokeNowAsync(id, refreshToken, ended.Frontend);
                    break;
                case RevocationTiming.Background:
                    await revoker.RevokeLaterAsync(id, refreshToken, ended.Frontend);
                    break;
            }
        }

        await ConfirmReplicatedAsync(id);
        return ended;
    }

    // After the refresh token's revocation, so a deletion the replicas have not acknowledged still gets its token
    // revoked. Failing the request rather than reporting success: with Bff:Session:RevocationReplicas the operator
    // asked that an ended session stay ended through a failover, and only the caller can try again (503, Retry-After).
    private async Task ConfirmReplicatedAsync(string id)
    {
        if (!await store.ConfirmEndedAsync(id, CancellationToken.None))
        {
            throw new SessionStoreUnavailableException("The end of a session was not acknowledged by enough Redis replicas.");
        }
    }

    [LoggerMessage(EventId = BffEventIds.SessionEnded, Level = LogLevel.Information, Message = "Session {SessionId} ended: {Reason}")]
    private static partial void LogEnded(ILogger logger, string sessionId, string reason);
}
