namespace Bff.Lifecycle;

/// <summary>When an ended session's refresh token is revoked at the IdP.</summary>
internal enum RevocationTiming
{
    /// <summary>Before the call returns (queued for a retry if that fails): the user asked for it and waits.</summary>
    Now,

    /// <summary>
    /// By the background service, within a second or so: for bulk ends and for calls from the IdP itself,
    /// which should not wait for (or call back into) the IdP.
    /// </summary>
    Background,

    /// <summary>Not at all: the IdP has already refused the grant (<c>invalid_grant</c>), or there is none.</summary>
    None,
}
