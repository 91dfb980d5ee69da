
using Bff.Sessions;
namespace Bff.Tokens;

/// <summary>What a request may do with its session's access token.</summary>
internal readonly record struct AccessTokenResult(AccessTokenStatus Status, BffSession? Session)
{
    public static AccessTokenResult Usable(BffSession session) => new(AccessTokenStatus.Usable, session);

    public static readonly AccessTokenResult SessionEnded = new(AccessTokenStatus.SessionEnded, null);

    public static readonly AccessTokenResult IdpUnavailable = new(AccessTokenStatus.IdpUnavailable, null);
}
