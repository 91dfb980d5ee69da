using System.Runtime.CompilerServices;

namespace Bff.Proxy;

/// <summary>The bearer token the proxy middleware chose for this request's upstream call.</summary>
internal sealed class UpstreamToken
{
    // A token is used for many requests (it lives in the session cache or the client-token cache), and
    // its header value is about a kilobyte: formatting it once per token, not per request, keeps it off
    // the allocation profile of every proxied call. Entries go when their token string is collected.
    private static readonly ConditionalWeakTable<string, UpstreamToken> Tokens = new();

    private UpstreamToken(string accessToken)
    {
        AccessToken = accessToken;
        AuthorizationHeader = "Bearer " + accessToken;
    }

    public string AccessToken { get; }

    /// <summary>The value of the upstream request's <c>Authorization</c> header.</summary>
    public string AuthorizationHeader { get; }

    public static UpstreamToken For(string accessToken) =>
        Tokens.GetValue(accessToken, static token => new UpstreamToken(token));
}
