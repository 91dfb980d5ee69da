using Bff.Idp;
using Bff.Sessions;

namespace Bff.Tokens;

/// <summary>
/// Which refresh token of a session was last sent to the IdP, for a while after: an <c>invalid_grant</c> for a
/// token sent once before may be the IdP's answer to its own earlier rotation (a holder that died or timed out
/// before saving the result), but for a token never sent before it means someone else used it.
/// </summary>
internal interface IRefreshAttempts
{
    /// <summary>Records that <paramref name="refreshToken"/> is being sent; true when it was sent before within the window.</summary>
    Task<bool> MarkSentAsync(string sessionId, string refreshToken, CancellationToken cancellationToken);

    /// <summary>
    /// Just before <paramref name="refreshToken"/> would be sent: the tokens its earlier use left in
    /// <paramref name="store"/> (<see cref="ISessionStore.GetGraceTokensAsync"/>; then it is not sent, nor marked), or
    /// else <see cref="MarkSentAsync"/>'s answer.
    /// </summary>
    async Task<SendCheck> BeforeSendAsync(ISessionStore store, string sessionId, string refreshToken, CancellationToken cancellationToken) =>
        await store.GetGraceTokensAsync(sessionId, refreshToken, cancellationToken) is { } grace
            ? new SendCheck(grace, false)
            : new SendCheck(null, await MarkSentAsync(sessionId, refreshToken, cancellationToken));

    /// <summary>
    /// <see cref="BeforeSendAsync"/> asked right behind the session's lock (<see cref="IRefreshLock.TryAcquireNamed"/>),
    /// on the same connection, for the refresh token the flight holds: made only when that took the lock for
    /// <paramref name="lockOwner"/> and no other token is marked. Null when not made or when it failed; the check is
    /// then made before the send, as without it. Never fails, so a flight that does not refresh may leave it.
    /// </summary>
    Task<SendCheck?> BeforeSendBesideLockAsync(string sessionId, string refreshToken, string lockOwner) => Task.FromResult<SendCheck?>(null);
}

/// <summary>What <see cref="IRefreshAttempts.BeforeSendAsync"/> found: a grace entry to take, or whether the token was sent before.</summary>
internal readonly record struct SendCheck(TokenSet? Grace, bool SentBefore);

/// <summary>A <see cref="SendCheck"/> asked beside the lock for <paramref name="RefreshToken"/>, the token the flight held.</summary>
internal readonly record struct SendCheckAhead(string RefreshToken, Task<SendCheck?> Check);
