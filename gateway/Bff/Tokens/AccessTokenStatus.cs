namespace Bff.Tokens;

internal enum AccessTokenStatus
{
    /// <summary>The session's access token is valid (possibly just refreshed): forward it.</summary>
    Usable,

    /// <summary>The grant is dead and the session was ended: 401 <c>session_expired</c>.</summary>
    SessionEnded,

    /// <summary>
    /// The token has expired and no valid one can be had now (the IdP cannot renew it, or the tokens a flight
    /// recovered or found stored have expired too): 503 <c>idp_unavailable</c>; the session stays.
    /// </summary>
    IdpUnavailable,

    /// <summary>
    /// The IdP will not issue a token for the route's API (or scope) to this session: 403 <c>forbidden</c>; the
    /// session and its other tokens stay.
    /// </summary>
    Refused,
}
