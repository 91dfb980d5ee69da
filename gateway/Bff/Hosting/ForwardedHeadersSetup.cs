using Bff.Configuration;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Bff.Hosting;

/// <summary>
/// ASP.NET Core's forwarded-headers middleware, trusting exactly the proxies of <c>Bff:ForwardedHeaders</c>.
/// Its own defaults trust loopback, and with both lists empty it would trust everyone; so the lists are
/// always replaced, and the middleware is only added when something is configured.
/// </summary>
internal sealed class ForwardedHeadersSetup(IOptions<BffOptions> options) : IConfigureOptions<ForwardedHeadersOptions>
{
    public void Configure(ForwardedHeadersOptions forwarded)
    {
        var bff = options.Value.ForwardedHeaders;
        // Host is left alone: the public origin comes from Bff:PublicOrigin, never from a header. With named
        // frontends a trusted proxy's X-Forwarded-Host picks the frontend (each has its origin configured).
        forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto
            | (options.Value.Frontends.Count > 0 ? ForwardedHeaders.XForwardedHost : ForwardedHeaders.None);
        // Walk back through every trusted hop, stopping at the first address that is not a known proxy.
        forwarded.ForwardLimit = null;
        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
        foreach (var proxy in bff.KnownProxies)
        {
            forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
        }

        foreach (var network in bff.KnownNetworks)
        {
            forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        }
    }
}
