using Bff.Idp;
using Bff.Sessions;

namespace Bff.Tests.Support;

/// <summary>
/// A session store that hands every call to <paramref name="inner"/>, each member virtual: a test overrides just the
/// calls it watches or interleaves with, and the rest behave as the inner store does. Each member forwards to the
/// same member of the inner store (the overloads and defaults of <see cref="ISessionStore"/> included), so a store's
/// own shortcuts stay in play behind the wrapper.
/// </summary>
internal class DelegatingSessionStore(ISessionStore inner) : ISessionStore
{
    public virtual Task<IReadOnlyList<string>> CreateAsync(BffSession session, CancellationToken cancellationToken) =>
        inner.CreateAsync(session, cancellationToken);

    public virtual ValueTask<BffSession?> GetAsync(string id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);

    public virtual Task<BffSession?> GetFreshAsync(string id, CancellationToken cancellationToken) => inner.GetFreshAsync(id, cancellationToken);

    public virtual Task TouchAsync(BffSession session, DateTimeOffset lastSeenAt, CancellationToken cancellationToken) =>
        inner.TouchAsync(session, lastSeenAt, cancellationToken);

    public virtual Task<TokenWriteResult> TryUpdateTokensAsync(string id, long expectedVersion, TokenSet tokens, string? replacedRefreshToken, CancellationToken cancellationToken) =>
        inner.TryUpdateTokensAsync(id, expectedVersion, tokens, replacedRefreshToken, cancellationToken);

    public virtual Task<TokenWriteResult> TryUpdateTokensAsync(BffSession read, TokenSet tokens, string? replacedRefreshToken, CancellationToken cancellationToken) =>
        inner.TryUpdateTokensAsync(read, tokens, replacedRefreshToken, cancellationToken);

    public virtual Task<TokenWriteResult> TryUpdateTokensAndReleaseAsync(BffSession read, TokenSet tokens, string? replacedRefreshToken, string lockOwner,
        CancellationToken cancellationToken) =>
        inner.TryUpdateTokensAndReleaseAsync(read, tokens, replacedRefreshToken, lockOwner, cancellationToken);

    public virtual Task<TokenSet?> GetGraceTokensAsync(string id, string refreshToken, CancellationToken cancellationToken) =>
        inner.GetGraceTokensAsync(id, refreshToken, cancellationToken);

    public virtual Task<BffSession?> DeleteAsync(string id, CancellationToken cancellationToken) => inner.DeleteAsync(id, cancellationToken);

    public virtual Task<bool> ConfirmEndedAsync(string id, CancellationToken cancellationToken) => inner.ConfirmEndedAsync(id, cancellationToken);

    public virtual Task<IReadOnlyList<BffSession>> ListBySubjectAsync(string subject, CancellationToken cancellationToken) =>
        inner.ListBySubjectAsync(subject, cancellationToken);

    public virtual Task<IReadOnlyList<string>> FindByIdpSessionAsync(string idpSessionId, CancellationToken cancellationToken) =>
        inner.FindByIdpSessionAsync(idpSessionId, cancellationToken);

    public virtual Task<long> CountActiveAsync(string frontend, CancellationToken cancellationToken) => inner.CountActiveAsync(frontend, cancellationToken);
}
