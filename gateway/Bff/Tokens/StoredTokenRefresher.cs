using Bff.Configuration;
using Bff.Idp;
using Bff.Lifecycle;
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
/// </summary>
internal sealed partial class StoredTokenRefresher(
    ISessionStore store,
    IdpTokenClient idp,
    SessionTerminator terminator,
    IOptions<BffOptions> options,
    BffMetrics metrics,
    TimeProvider time,
    ILogger<StoredTokenRefresher> logger)
{
    private readonly BffOptions _options = options.Value;

    public bool NeedsRefresh(TokenSet tokens) =>
        tokens.AccessTokenExpiresAt - time.GetUtcNow() <= RefreshWindow.Of(tokens, _options.Tokens.RefreshBeforeExpiry);

    public bool IsExpired(TokenSet tokens) => time.GetUtcNow() >= tokens.AccessTokenExpiresAt;

    /// <summary>Is a refresh still needed, judging by the session as stored?</summary>
    public async Task<(bool Done, AccessTokenResult Result)> CheckStoredAsync(string id, long startVersion)
    {
        var stored = await store.GetFreshAsync(id, CancellationToken.None);
        if (stored is null)
        {
            return (true, AccessTokenResult.SessionEnded);
        }

        // Someone refreshed since this flight began: take their tokens even when the IdP's lifetime is
        // shorter than RefreshBeforeExpiry, or every request would refresh again.
        if ((stored.Version > startVersion && !IsExpired(stored.Tokens)) || !NeedsRefresh(stored.Tokens))
        {
            if (stored.Version > startVersion)
            {
                metrics.Refresh("reused");
            }

            return (true, AccessTokenResult.Usable(stored));
        }

        if (stored.Tokens.RefreshToken is null)
        {
            // Nothing to refresh with: usable until it expires, then the session is over.
            return IsExpired(stored.Tokens)
                ? (true, await EndAsync(id, "expired"))
                : (true, AccessTokenResult.Usable(stored));
        }

        return (false, default);
    }

    /// <summary>The refresh itself, by the holder of the session's lock.</summary>
    public async Task<AccessTokenResult> RefreshHeldAsync(string id)
    {
        var session = await store.GetFreshAsync(id, CancellationToken.None);
        if (session?.Tokens.RefreshToken is not { } refreshToken)
        {
            return AccessTokenResult.SessionEnded;
        }

        // An earlier holder may have used this very refresh token and died before saving the result.
        if (await RecoverAsync(session, refreshToken) is { } recovered)
        {
            return recovered;
        }

        var response = await idp.RefreshAsync(session.Tokens, CancellationToken.None);
        switch (response.Outcome)
        {
            case IdpTokenOutcome.Success:
                // An IdP that does not rotate gives the same refresh token back (or none, which keeps it): nothing
                // was replaced, and a grace entry under it would make the next refresh take these tokens again
                // (expired by then, when they live under a minute) instead of asking the IdP.
                var replaced = response.Tokens!.RefreshToken == refreshToken ? null : refreshToken;
                var write = await store.TryUpdateTokensAsync(id, session.Version, response.Tokens, replaced, CancellationToken.None);
                if (write.Outcome == TokenWriteOutcome.Written)
                {
                    metrics.Refresh("success");
                    LogRefreshed(logger, id);
                    return AccessTokenResult.Usable(session with { Tokens = response.Tokens!, Version = write.Version });
                }

                if (write.Outcome == TokenWriteOutcome.SessionMissing)
                {
                    // Ended (logout) while the IdP answered: the new grant must not outlive it.
                    await idp.RevokeAsync(response.Tokens!.RefreshToken ?? response.Tokens.AccessToken, "refresh_token", CancellationToken.None);
                    return AccessTokenResult.SessionEnded;
                }

                var current = await store.GetFreshAsync(id, CancellationToken.None);
                return current is null ? AccessTokenResult.SessionEnded : UsableUnlessExpired(current);

            case IdpTokenOutcome.InvalidGrant:
                if (await RecoverAsync(session, refreshToken) is { } late)
                {
                    return late;
                }

                metrics.Refresh("invalid_grant");
                return await EndAsync(id, "invalid_grant");

            default:
                metrics.Refresh("idp_unavailable");
                return AccessTokenResult.IdpUnavailable;
        }
    }

    private async Task<AccessTokenResult?> RecoverAsync(BffSession session, string refreshToken)
    {
        var grace = await store.GetGraceTokensAsync(session.Id, refreshToken, CancellationToken.None);
        if (grace is null)
        {
            return null;
        }

        var write = await store.TryUpdateTokensAsync(session.Id, session.Version, grace, replacedRefreshToken: null, CancellationToken.None);
        metrics.RaceRecovered();
        LogRecovered(logger, session.Id);
        if (write.Outcome == TokenWriteOutcome.Written)
        {
            return UsableUnlessExpired(session with { Tokens = grace, Version = write.Version });
        }

        var current = await store.GetFreshAsync(session.Id, CancellationToken.None);
        return current is null ? AccessTokenResult.SessionEnded : UsableUnlessExpired(current);
    }

    // Tokens this flight did not get from the IdP itself (a grace entry up to a minute old, another writer's)
    // can have expired by now, and an expired token is never forwarded. The session keeps them, refresh token
    // included, so the request after the Retry-After renews from there.
    private AccessTokenResult UsableUnlessExpired(BffSession session) =>
        IsExpired(session.Tokens) ? AccessTokenResult.IdpUnavailable : AccessTokenResult.Usable(session);

    // The grant is dead at the IdP (or there is none): nothing to revoke.
    private async Task<AccessTokenResult> EndAsync(string id, string reason)
    {
        await terminator.EndAsync(id, reason, RevocationTiming.None);
        return AccessTokenResult.SessionEnded;
    }

    [LoggerMessage(EventId = BffEventIds.TokensRefreshed, Level = LogLevel.Information, Message = "Tokens of session {SessionId} refreshed")]
    private static partial void LogRefreshed(ILogger logger, string sessionId);

    [LoggerMessage(EventId = BffEventIds.RefreshRecovered, Level = LogLevel.Warning, Message = "Session {SessionId} recovered the result of an earlier refresh of the same refresh token")]
    private static partial void LogRecovered(ILogger logger, string sessionId);
}
