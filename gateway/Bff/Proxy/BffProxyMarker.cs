namespace Bff.Proxy;

/// <summary>Present when the host added the proxy, so mapping the gateway's endpoints maps its routes too.</summary>
internal sealed class BffProxyMarker;
