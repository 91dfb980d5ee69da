using Bff.Idp;
using Bff.Routes;
using Bff.Sessions;

namespace Bff.Tokens;

/// <summary>Whether a refresh is still needed, judged by the session as stored rather than by a cached copy.</summary>
internal sealed partial class StoredTokenRefresher
{
    /// <summary>The session as stored, never a cached copy: what a refresh starts from.</summary>
    public Task<BffSession?> ReadStoredAsync(string id) => store.GetFreshAsync(id, CancellationToken.None);

    /// <summary>Is a refresh still needed, judging by the session as stored?</summary>
    /// <param name="stored">The session as <see cref="ReadStoredAsync"/> read it.</param>
    /// <param name="audience">What the token is for; null for the session's own.</param>
    /// <param name="startToken">The token the flight started from: another one stored means someone refreshed it.</param>
    /// <returns>Done with its result, or not done with the session as stored, for the refresh to start from.</returns>
    public async Task<StoredCheck> CheckStoredAsync(BffSession? stored, TokenAudience? audience, BearerToken? startToken)
    {
        if (stored is null)
        {
            return new(true, AccessTokenResult.SessionEnded);
        }

        var id = stored.Id;

        // Someone refreshed this token since this flight began: take it even when the IdP's lifetime is shorter
        // than RefreshBeforeExpiry, or every request would refresh again. The session's version says nothing here:
        // it also moves when another of the session's tokens is refreshed.
        if (AudienceTokens.Of(stored.Tokens, audience) is { } token
            && ((token.Token != startToken && !IsExpired(stored.Tokens, audience)) || !NeedsRefresh(stored.Tokens, audience)))
        {
            if (token.Token != startToken)
            {
                metrics.Refresh("reused");
            }

            return new(true, AccessTokenResult.Usable(stored, token.Token));
        }

        if (stored.Tokens.RefreshToken is null)
        {
            if (audience is not null)
            {
                // Nothing to ask for the API's token with; the session itself is fine.
                return new(true, await RefusedAsync(id, "no_refresh_token"));
            }

            // Nothing to refresh with: usable until it expires, then the session is over.
            return new(true, IsExpired(stored.Tokens) ? await EndAsync(id, "expired") : AccessTokenResult.Usable(stored));
        }

        return new(false, default, stored);
    }
}

/// <summary>What <see cref="StoredTokenRefresher.CheckStoredAsync"/> found: a result, or the session to refresh.</summary>
internal readonly record struct StoredCheck(bool Done, AccessTokenResult Result, BffSession? Stored = null);
