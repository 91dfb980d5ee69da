using Bff.Idp;
using Bff.Sessions;
namespace Bff.Tokens;

/// <summary>What a request may do with its session's access token.</summary>
/// <param name="Status">Whether there is a token to forward.</param>
/// <param name="Session">The session as the token was found in (when usable).</param>
/// <param name="Token">The token to forward: the session's own, or its token for the route's API.</param>
/// <param name="Error">The IdP's error code when it refused a token for an API (<see cref="AccessTokenStatus.Refused"/>).</param>
internal readonly record struct AccessTokenResult(AccessTokenStatus Status, BffSession? Session, BearerToken? Token = null, string? Error = null)
{
    public static AccessTokenResult Usable(BffSession session) => new(AccessTokenStatus.Usable, session, session.Tokens.Bearer);

    public static AccessTokenResult Usable(BffSession session, BearerToken token) => new(AccessTokenStatus.Usable, session, token);

    public static AccessTokenResult Refused(string error) => new(AccessTokenStatus.Refused, null, Error: error);

    public static readonly AccessTokenResult SessionEnded = new(AccessTokenStatus.SessionEnded, null);

    public static readonly AccessTokenResult IdpUnavailable = new(AccessTokenStatus.IdpUnavailable, null);
}
