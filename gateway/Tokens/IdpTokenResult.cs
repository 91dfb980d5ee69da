using Bff.Sessions;

namespace Bff.Tokens;

/// <summary>What the IdP's token endpoint said.</summary>
internal sealed record IdpTokenResult(IdpTokenOutcome Outcome, SessionTokens? Tokens = null, string? Error = null)
{
    public static IdpTokenResult Success(SessionTokens tokens) => new(IdpTokenOutcome.Success, tokens);

    public static readonly IdpTokenResult InvalidGrant = new(IdpTokenOutcome.InvalidGrant);

    public static IdpTokenResult Unavailable(string error) => new(IdpTokenOutcome.Unavailable, Error: error);
}
