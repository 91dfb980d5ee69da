using Bff.Idp;
using Bff.Routes;

namespace Bff.Tokens;

/// <summary>A session's token for one audience: its own (<c>audience</c> null) or a route API's.</summary>
internal static class AudienceTokens
{
    /// <summary>The token for <paramref name="audience"/>, if the session has one.</summary>
    public static (BearerToken Token, DateTimeOffset ExpiresAt)? Of(TokenSet tokens, TokenAudience? audience)
    {
        if (audience is null)
        {
            return (tokens.Bearer, tokens.AccessTokenExpiresAt);
        }

        return tokens.Find(audience.Resource, audience.Scope) is { } token ? (token.Bearer, token.ExpiresAt) : null;
    }

    /// <summary>
    /// The session's tokens after a refresh for an API: that API's token replaced, the rotated refresh token (if
    /// any) in place of the session's whatever it was asked for, the session's own token and the other APIs' kept.
    /// </summary>
    public static TokenSet WithAnswer(TokenSet current, TokenAudience audience, TokenSet answer) =>
        (current with { RefreshToken = answer.RefreshToken ?? current.RefreshToken })
            .WithResource(new ResourceToken(audience.Resource, audience.Scope, answer.AccessToken, answer.AccessTokenExpiresAt));
}
