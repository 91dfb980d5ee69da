namespace Bff.Authentication;

/// <summary>Why a request has no session; decides between 401 <c>unauthenticated</c> and <c>session_expired</c>.</summary>
internal sealed class SessionFailure(bool genuineCookie) : Exception(genuineCookie ? "The session has ended." : "The session cookie is not genuine.")
{
    /// <summary>True when the cookie was made by this gateway but its session has ended.</summary>
    public bool GenuineCookie { get; } = genuineCookie;
}
