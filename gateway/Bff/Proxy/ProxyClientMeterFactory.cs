using System.Diagnostics.Metrics;

namespace Bff.Proxy;

/// <summary>
/// The meters of the proxy's HTTP client to the upstreams. Its handler records into a meter named
/// <see cref="MeterName"/> instead of <c>System.Net.Http</c>. The gateway's exporters do not collect that
/// meter, so its instruments stay disabled, and the client spares every proxied call its metrics handler.
/// That handler costs an async step, a parse of the destination's host name, a tag list and a histogram
/// update on every proxied call (docs/performance-notes.md has what it was measured to cost).
/// </summary>
/// <remarks>
/// A proxied call is already timed once, by route: <c>http.server.request.duration</c> with <c>http.route</c>,
/// which is what gateways usually report per upstream. The client's own duration of it would repeat that
/// figure less the gateway's own work. The IdP's calls keep <c>http.client.request.duration</c>, since
/// their handlers are not the proxy's.
/// </remarks>
internal sealed class ProxyClientMeterFactory : IMeterFactory
{
    public const string MeterName = "Bff.Proxy.HttpClient";

    public static readonly ProxyClientMeterFactory Instance = new();

    private readonly Meter _meter;

    private ProxyClientMeterFactory() => _meter = new Meter(new MeterOptions(MeterName) { Scope = this });

    // One meter whatever is asked: SocketsHttpHandler asks for "System.Net.Http", which would be collected.
    // The meter lives as long as the process, like the runtime's own shared HTTP meter.
    public Meter Create(MeterOptions options) => _meter;

    public void Dispose()
    {
    }
}
