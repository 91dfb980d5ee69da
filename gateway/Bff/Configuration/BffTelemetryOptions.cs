namespace Bff.Configuration;

/// <summary>The <c>Bff:Telemetry</c> section.</summary>
public sealed class BffTelemetryOptions
{
    /// <summary>
    /// Records <c>http.client.*</c> metrics of the proxy's calls to the upstreams (per upstream address). Off by
    /// default: every proxied call would pay for HttpClient's metrics handler, and <c>http.server.request.duration</c>
    /// by route already times it.
    /// </summary>
    public bool UpstreamClientMetrics { get; set; }
}
