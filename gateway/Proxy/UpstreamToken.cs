using System.Runtime.CompilerServices;

namespace Bff.Proxy;

/// <summary>The bearer token the proxy middleware chose for this request's upstream call.</summary>
internal sealed class UpstreamToken
{
    // A token is used for many requests (it lives in the session cache or the client-token cache), and
    // its header value is about a kilobyte: formatting it once per token, not per request, keeps it off
    // the allocation profile of every proxied call.
    private static readonly ConditionalWeakTable<string, string> Headers = new();

    public UpstreamToken(string accessToken)
    {
        AccessToken = accessToken;
        AuthorizationHeader = Headers.GetValue(accessToken, static token => "Bearer " + token);
    }

    public string AccessToken { get; }

    /// <summary>The value of the upstream request's <c>Authorization</c> header.</summary>
    public string AuthorizationHeader { get; }
}
