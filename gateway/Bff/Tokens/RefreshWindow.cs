using Bff.Idp;

namespace Bff.Tokens;

/// <summary>How long before its expiry an access token is renewed.</summary>
internal static class RefreshWindow
{
    /// <summary>
    /// <c>Bff:Tokens:RefreshBeforeExpiry</c>, but at most half the token's lifetime: a window as long as the
    /// lifetime would find every new token already due and refresh on every request. Half leaves a token in use
    /// for at least half its life, and still renews it well before it expires. Tokens whose lifetime is not
    /// known keep the configured window.
    /// </summary>
    public static TimeSpan Of(TokenSet tokens, TimeSpan configured)
    {
        if (tokens.IssuedAt is not { } issuedAt)
        {
            return configured;
        }

        var half = (tokens.AccessTokenExpiresAt - issuedAt) / 2;
        return half < configured ? half : configured;
    }
}
