namespace Bff.Http;

/// <summary>The names a browser sees; fixed by the contract, so not configurable.</summary>
internal static class BffHeaders
{
    /// <summary>The header every protected request carries: <c>X-CSRF: 1</c>.</summary>
    public const string CsrfHeaderName = "X-CSRF";

    /// <summary>The header an unsafe request carries the token from <c>GET /bff/csrf</c> in.</summary>
    public const string TokenHeaderName = "X-XSRF-TOKEN";

    /// <summary>
    /// The header of the gateway's own 401 <c>unauthenticated</c> and <c>session_expired</c> answers, with the value
    /// <see cref="SessionEnded"/>. An upstream API can send the same problem body; it cannot send this header (the
    /// proxy drops it from every upstream response), so bff-client.js ends the session only on a 401 that has it.
    /// </summary>
    public const string SessionHeaderName = "Bff-Session";

    /// <summary>The value of <see cref="SessionHeaderName"/>.</summary>
    public const string SessionEnded = "ended";
}
