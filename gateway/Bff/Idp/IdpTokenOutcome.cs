namespace Bff.Idp;

internal enum IdpTokenOutcome
{
    Success,

    /// <summary>The grant is dead (revoked, expired, or a rotated refresh token replayed): the session ends.</summary>
    InvalidGrant,

    /// <summary>
    /// The grant is alive but the IdP will not issue this token (<c>invalid_target</c>, <c>invalid_scope</c>,
    /// <c>access_denied</c>, <c>consent_required</c>): for a token for one API, that API is refused, the session stays.
    /// </summary>
    Refused,

    /// <summary>The IdP could not be reached or failed: nothing is known, the session stays.</summary>
    Unavailable,
}
