namespace Bff.Configuration;

/// <summary>
/// The <c>Bff:ForwardedHeaders</c> section: the reverse proxies whose <c>X-Forwarded-For</c> and
/// <c>X-Forwarded-Proto</c> are believed. Empty (the default) believes nobody, so a client cannot choose the
/// IP address its session records, nor the scheme of the redirect URIs.
/// </summary>
public sealed class BffForwardedHeadersOptions
{
    /// <summary>IP addresses of trusted proxies, such as <c>10.0.0.5</c>.</summary>
    // Empty rather than pre-filled: the configuration binder appends to a pre-filled collection.
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks of trusted proxies in CIDR notation, such as <c>10.0.0.0/8</c>.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    internal bool IsEnabled => KnownProxies.Count > 0 || KnownNetworks.Count > 0;
}
