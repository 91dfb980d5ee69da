using System.Diagnostics;

namespace Bff.Telemetry;

/// <summary>
/// The gateway's own spans, <c>Bff.Gateway</c>, exported with the ASP.NET Core, HttpClient and YARP ones
/// when tracing is on. Starting an activity costs nothing while no listener is attached.
/// </summary>
internal static class BffActivitySource
{
    public const string Name = BffTelemetry.ActivitySourceName;

    public static readonly ActivitySource Instance = new(Name, typeof(BffActivitySource).Assembly.GetName().Version?.ToString());

    // Span names: the work of a request that is the gateway's own, apart from its Redis and HTTP calls.
    public const string SessionLoad = "bff.session.load";
    public const string TokenRefresh = "bff.token.refresh";
    public const string Revocation = "bff.revocation";
    public const string BackchannelLogout = "bff.backchannel_logout";
}
