using Bff.Idp;
namespace Bff.Sessions;

/// <summary>
/// Where sessions live. Implementations enforce the idle and absolute deadlines themselves: a session
/// past either is never returned.
/// </summary>
internal interface ISessionStore
{
    /// <summary>
    /// Stores a new session. When its user now has more live sessions than <c>Bff:Session:MaxSessionsPerUser</c>,
    /// the ids of the oldest beyond it (never the new one), oldest first, for the caller to end: a store never ends
    /// a session on its own account.
    /// </summary>
    Task<IReadOnlyList<string>> CreateAsync(BffSession session, CancellationToken cancellationToken);

    /// <summary>
    /// The session, or null when it does not exist or has passed a deadline. May come from a short-lived
    /// cache; a ValueTask because it does on nearly every proxied request.
    /// </summary>
    ValueTask<BffSession?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Like <see cref="GetAsync"/> but always from the store itself: what a token refresh must start from.</summary>
    Task<BffSession?> GetFreshAsync(string id, CancellationToken cancellationToken);

    /// <summary>Slides the idle deadline of <paramref name="session"/> (as read); does nothing for a session that no longer exists.</summary>
    Task TouchAsync(BffSession session, DateTimeOffset lastSeenAt, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the tokens only if the session's version is still <paramref name="expectedVersion"/>, so a
    /// writer that lost a race can never overwrite newer tokens. The new version on success.
    /// </summary>
    /// <remarks>
    /// <paramref name="replacedRefreshToken"/>, when given, is remembered briefly with the new tokens (see
    /// <see cref="GetGraceTokensAsync"/>), whether or not the write wins.
    /// </remarks>
    Task<TokenWriteResult> TryUpdateTokensAsync(string id, long expectedVersion, TokenSet tokens, string? replacedRefreshToken, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="TryUpdateTokensAsync(string, long, TokenSet, string?, CancellationToken)"/> of the session as
    /// <paramref name="read"/> (its version expected), by a writer that read it whole: a store may then keep the result
    /// at hand rather than read it back.
    /// </summary>
    Task<TokenWriteResult> TryUpdateTokensAsync(BffSession read, TokenSet tokens, string? replacedRefreshToken, CancellationToken cancellationToken) =>
        TryUpdateTokensAsync(read.Id, read.Version, tokens, replacedRefreshToken, cancellationToken);

    /// <summary>
    /// <see cref="TryUpdateTokensAsync(BffSession, TokenSet, string?, CancellationToken)"/> as the last step of a refresh
    /// whose lock this store keeps (the Redis lock, owned by <paramref name="lockOwner"/>): the lock is released in the
    /// same step, whatever the outcome, if that owner still holds it, and <see cref="TokenWriteResult.LockReleased"/> says
    /// so. A store that keeps no locks only writes; the holder then releases its lock itself.
    /// </summary>
    Task<TokenWriteResult> TryUpdateTokensAndReleaseAsync(BffSession read, TokenSet tokens, string? replacedRefreshToken, string lockOwner,
        CancellationToken cancellationToken) =>
        TryUpdateTokensAsync(read, tokens, replacedRefreshToken, cancellationToken);

    /// <summary>
    /// The tokens a refresh with <paramref name="refreshToken"/> produced in the last minute, if any: lets a
    /// refresh whose outcome looked lost recover the result instead of replaying a rotated refresh token.
    /// </summary>
    Task<TokenSet?> GetGraceTokensAsync(string id, string refreshToken, CancellationToken cancellationToken);

    /// <summary>Ends a session on every instance. The session as it was, or null when it did not exist.</summary>
    Task<BffSession?> DeleteAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// After <see cref="DeleteAsync"/>: whether the deletion is as durable as <c>Bff:Session:RevocationReplicas</c>
    /// asks (that many Redis replicas have it), so a failover cannot bring the session back. A store without
    /// replicas has nothing to wait for.
    /// </summary>
    Task<bool> ConfirmEndedAsync(string id, CancellationToken cancellationToken) => Task.FromResult(true);

    /// <summary>Every live session of a user, in no particular order.</summary>
    Task<IReadOnlyList<BffSession>> ListBySubjectAsync(string subject, CancellationToken cancellationToken);

    /// <summary>The ids of the live sessions that came from one IdP session (<c>sid</c>).</summary>
    Task<IReadOnlyList<string>> FindByIdpSessionAsync(string idpSessionId, CancellationToken cancellationToken);

    /// <summary>
    /// How many live sessions <paramref name="frontend"/> (empty: the default frontend) has in the whole store, for
    /// <c>bff.sessions.active</c>: cheap enough to ask every few seconds, never a scan of the store.
    /// </summary>
    Task<long> CountActiveAsync(string frontend, CancellationToken cancellationToken);
}
