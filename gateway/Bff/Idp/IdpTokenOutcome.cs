namespace Bff.Idp;

internal enum IdpTokenOutcome
{
    Success,

    /// <summary>The grant is dead (revoked, expired, or a rotated refresh token replayed): the session ends.</summary>
    InvalidGrant,

    /// <summary>The IdP could not be reached or failed: nothing is known, the session stays.</summary>
    Unavailable,
}
