namespace Bff.Http;

/// <summary>The names a browser sees; fixed by the contract, so not configurable.</summary>
internal static class BffHeaders
{
    /// <summary>The header every protected request carries: <c>X-CSRF: 1</c>.</summary>
    public const string CsrfHeaderName = "X-CSRF";

    /// <summary>The header an unsafe request carries the token from <c>GET /bff/csrf</c> in.</summary>
    public const string TokenHeaderName = "X-XSRF-TOKEN";
}
