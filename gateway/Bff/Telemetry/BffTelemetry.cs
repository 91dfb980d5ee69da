namespace Bff.Telemetry;

/// <summary>
/// The names under which the gateway records, for a host that wires OpenTelemetry itself:
/// <c>.AddMeter(BffTelemetry.MeterName)</c> and <c>.AddSource(BffTelemetry.ActivitySourceName)</c>.
/// </summary>
public static class BffTelemetry
{
    /// <summary>The gateway's meter: sessions, refreshes, lock waits, CSRF rejections.</summary>
    public const string MeterName = "Bff.Gateway";

    /// <summary>The gateway's activity source.</summary>
    public const string ActivitySourceName = "Bff.Gateway";
}
