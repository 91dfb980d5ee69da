using Bff.Idp;

namespace Bff.Proxy;

/// <summary>The bearer token the proxy middleware chose for this request's upstream call.</summary>
/// <remarks>
/// The header value is the token's own (<see cref="BearerToken"/>), formatted once when the token was received or
/// read, so a proxied call neither formats nor copies it.
/// </remarks>
internal sealed class UpstreamToken(BearerToken token)
{
    /// <summary>The value of the upstream request's <c>Authorization</c> header.</summary>
    public string AuthorizationHeader { get; } = token.HeaderValue;
}
