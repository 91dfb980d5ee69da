using Bff.Configuration;
using Bff.Idp;
using Bff.Lifecycle;
using Bff.Routes;
using Bff.Sessions;
using Bff.Telemetry;
using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bff.Tokens;

/// <summary>
/// The refresh of one session's tokens, always from the session as stored: whether one is still needed, and
/// the refresh itself by whoever holds the session's lock (<see cref="UserTokenManager"/> takes turns for it).
/// Writes carry the version read, so a stale writer can never overwrite newer tokens; a refresh token whose
/// earlier use may have succeeded is first looked up among the recent results instead of being sent again.
/// The session has one refresh token whatever the token is for: the session's own (<c>audience</c> null) or one
/// route's API (<see cref="TokenAudience"/>); both are refreshed the same way, under the same lock.
/// </summary>
internal sealed partial class StoredTokenRefresher(
    ISessionStore store,
    IdpTokenClient idp,
    SessionTerminator terminator,
    IOptions<BffOptions> options,
    BffMetrics metrics,
    TimeProvider time,
    ILogger<StoredTokenRefresher> logger,
    IdpClients? clients = null,
    IRefreshAttempts? attempts = null,
    ISecurityObserver? security = null)
{
    private readonly BffOptions _options = options.Value;

    public bool NeedsRefresh(TokenSet tokens) =>
        tokens.AccessTokenExpiresAt - time.GetUtcNow() <= RefreshWindow.Of(tokens, _options.Tokens.RefreshBeforeExpiry);

    public bool IsExpired(TokenSet tokens) => time.GetUtcNow() >= tokens.AccessTokenExpiresAt;

    /// <summary>Does the session need a new token for <paramref name="audience"/>?</summary>
    public bool NeedsRefresh(TokenSet tokens, TokenAudience? audience) =>
        AudienceTokens.Of(tokens, audience) is not { } token || token.ExpiresAt - time.GetUtcNow() <= _options.Tokens.RefreshBeforeExpiry;

    public bool IsExpired(TokenSet tokens, TokenAudience? audience) =>
        AudienceTokens.Of(tokens, audience) is not { } token || time.GetUtcNow() >= token.ExpiresAt;

    /// <summary>
    /// The check before <paramref name="refreshToken"/> would be sent, asked right behind the session's lock taken as
    /// <paramref name="lockOwner"/>; null where the store cannot (<see cref="IRefreshAttempts.BeforeSendBesideLockAsync"/>).
    /// </summary>
    public SendCheckAhead? CheckSendBesideLock(string id, string? refreshToken, string lockOwner) =>
        attempts is null || refreshToken is null ? null : new(refreshToken, attempts.BeforeSendBesideLockAsync(id, refreshToken, lockOwner));

    /// <summary>
    /// The refresh itself, by the holder of the session's lock (<paramref name="held"/>), from <paramref name="session"/>
    /// as read under that lock. <paramref name="ahead"/>: the check asked beside the lock, used when it was made for the
    /// refresh token stored.
    /// </summary>
    public async Task<AccessTokenResult> RefreshHeldAsync(BffSession session, TokenAudience? audience, IAsyncDisposable held,
        SendCheckAhead? ahead = null)
    {
        var id = session.Id;
        if (session.Tokens.RefreshToken is not { } refreshToken)
        {
            return AccessTokenResult.SessionEnded;
        }

        // An earlier holder may have used this very refresh token and died before saving the result. A flight sends one
        // refresh token at most: when the recovered refresh renewed another of the session's tokens, this one is
        // answered from what is stored (503 once expired), and the next request asks with the recovered token.
        // Otherwise the token is marked sent, in the same round trip: should this holder die with the IdP's answer
        // unsaved, the next one knows its invalid_grant may be the IdP's answer to this very attempt, not someone else's.
        var made = ahead is { } asked && asked.RefreshToken == refreshToken ? await asked.Check : null;
        var check = made ?? (attempts is null
            ? new SendCheck(await store.GetGraceTokensAsync(id, refreshToken, CancellationToken.None), false)
            : await attempts.BeforeSendAsync(store, id, refreshToken, CancellationToken.None));
        if (check.Grace is { } grace)
        {
            return Answer(await TakeGraceAsync(session, grace), audience);
        }

        // As the client the session logged in with: the IdP binds a refresh token to its client.
        var client = clients?.For(session.Frontend);
        var resend = check.SentBefore;
        var response = await idp.RefreshAsync(client, session.Tokens, audience?.Resource, audience?.Scope, CancellationToken.None);
        switch (response.Outcome)
        {
            case IdpTokenOutcome.Success:
                var tokens = audience is null ? response.Tokens! : AudienceTokens.WithAnswer(session.Tokens, audience, response.Tokens!);

                // An IdP that does not rotate gives the same refresh token back (or none, which keeps it): nothing
                // was replaced, and a grace entry under it would make the next refresh take these tokens again
                // (expired by then, when they live under a minute) instead of asking the IdP.
                var replaced = tokens.RefreshToken == refreshToken ? null : refreshToken;
                // The write is the holder's last step in the store: where the store keeps the lock, it releases it too.
                var write = held is IReleasedByTokenWrite handover
                    ? await handover.WriteAndReleaseAsync(owner => store.TryUpdateTokensAndReleaseAsync(session, tokens, replaced, owner, CancellationToken.None))
                    : await store.TryUpdateTokensAsync(session, tokens, replaced, CancellationToken.None);
                if (write.Outcome == TokenWriteOutcome.Written)
                {
                    metrics.Refresh("success");
                    LogRefreshed(logger, id);
                    return AccessTokenResult.Usable(session with { Tokens = tokens, Version = write.Version }, response.Tokens!.Bearer);
                }

                if (write.Outcome == TokenWriteOutcome.SessionMissing)
                {
                    // Ended (logout) while the IdP answered: the new grant must not outlive it.
                    var revoked = tokens.RefreshToken ?? tokens.AccessToken;
                    await (client is null
                        ? idp.RevokeAsync(revoked, "refresh_token", CancellationToken.None)
                        : idp.RevokeAsync(client, revoked, "refresh_token", CancellationToken.None));
                    return AccessTokenResult.SessionEnded;
                }

                var current = await store.GetFreshAsync(id, CancellationToken.None);
                return current is null ? AccessTokenResult.SessionEnded : UsableUnlessExpired(current, audience);

            case IdpTokenOutcome.InvalidGrant:
                if (await RecoverAsync(session, refreshToken) is { } late)
                {
                    return Answer(late, audience);
                }

                metrics.Refresh("invalid_grant");
                if (attempts is not null && !resend)
                {
                    // The token was current, sent once, and the IdP says it is spent: someone else used it.
                    security?.RefreshTokenReused(id, session.Subject);
                }

                return await EndAsync(id, "invalid_grant");

            case IdpTokenOutcome.Refused when audience is not null:
                return await RefusedAsync(id, response.Error!);

            default:
                metrics.Refresh("idp_unavailable");
                return AccessTokenResult.IdpUnavailable;
        }
    }

    private Task<AccessTokenResult> RefusedAsync(string id, string error)
    {
        metrics.Refresh("refused");
        LogRefused(logger, id, error);
        return Task.FromResult(AccessTokenResult.Refused(error));
    }

    // The grant is dead at the IdP (or there is none): nothing to revoke.
    private async Task<AccessTokenResult> EndAsync(string id, string reason)
    {
        await terminator.EndAsync(id, reason, RevocationTiming.None);
        return AccessTokenResult.SessionEnded;
    }

    [LoggerMessage(EventId = BffEventIds.TokensRefreshed, Level = LogLevel.Information, Message = "Tokens of session {SessionId} refreshed")]
    private static partial void LogRefreshed(ILogger logger, string sessionId);

    [LoggerMessage(EventId = BffEventIds.ResourceTokenRefused, Level = LogLevel.Warning, Message = "The IdP refused session {SessionId} a token for a route's API ({Error}); the session stays")]
    private static partial void LogRefused(ILogger logger, string sessionId, string error);
}
