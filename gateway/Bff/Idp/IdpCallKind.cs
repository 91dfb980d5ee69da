namespace Bff.Idp;

/// <summary>Which of the bulkhead's bounds an IdP call counts against (<see cref="IdpCallLimiter"/>).</summary>
internal enum IdpCallKind
{
    /// <summary>Keeps sessions going: refresh, revocation, client credentials, discovery and signing keys.</summary>
    Session,

    /// <summary>Starts a session: the pushed authorization request and the code exchange, which anyone can cause.</summary>
    Login,
}
