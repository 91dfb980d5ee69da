namespace Bff.Telemetry;

/// <summary>Tags of the gateway's health checks.</summary>
public static class BffHealthTags
{
    /// <summary>Checks that decide readiness (<c>/readyz</c>): Redis answers, the IdP's discovery has loaded once.</summary>
    public const string Ready = "ready";
}
