
namespace Bff.Idp;

/// <summary>What the IdP's token endpoint said.</summary>
internal sealed record IdpTokenResult(IdpTokenOutcome Outcome, TokenSet? Tokens = null, string? Error = null)
{
    public static IdpTokenResult Success(TokenSet tokens) => new(IdpTokenOutcome.Success, tokens);

    public static readonly IdpTokenResult InvalidGrant = new(IdpTokenOutcome.InvalidGrant);

    public static IdpTokenResult Refused(string error) => new(IdpTokenOutcome.Refused, Error: error);

    public static IdpTokenResult Unavailable(string error) => new(IdpTokenOutcome.Unavailable, Error: error);
}
