using System.Diagnostics;

namespace Bff.Telemetry;

/// <summary>
/// The gateway's own spans, <c>Bff.Gateway</c>, exported with the ASP.NET Core, HttpClient and YARP ones
/// when tracing is on. Starting an activity costs nothing while no listener is attached.
/// </summary>
internal static class BffActivitySource
{
    public const string Name = BffTelemetry.ActivitySourceName;

    public static readonly ActivitySource Instance = new(Name);
}
