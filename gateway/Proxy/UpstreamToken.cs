namespace Bff.Proxy;

/// <summary>The bearer token the proxy middleware chose for this request's upstream call.</summary>
internal sealed class UpstreamToken(string accessToken)
{
    public string AccessToken { get; } = accessToken;
}
