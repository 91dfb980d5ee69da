namespace Bff.Tests.Integration.Infrastructure;

/// <summary>How to start a <see cref="GatewayProcess"/>.</summary>
public sealed class GatewayStartOptions
{
    /// <summary>
    /// Configuration keys as in appsettings (<c>Bff:Authority</c>, <c>ReverseProxy:Routes:api:ClusterId</c>),
    /// passed as environment variables with <c>:</c> turned into <c>__</c>. A null value sets the
    /// key to the empty string.
    /// </summary>
    public IDictionary<string, string?> Config { get; init; } = new Dictionary<string, string?>();

    /// <summary>ASPNETCORE_ENVIRONMENT; null means Production.</summary>
    public string? Environment { get; init; }

    /// <summary>A fixed port (say, one reserved with <see cref="FreePort"/> for the IdP's back-channel URI); null picks one.</summary>
    public int? Port { get; init; }

    /// <summary>Raw environment variables on top of the config; a null value removes one.</summary>
    public IDictionary<string, string?> ExtraEnvironment { get; init; } = new Dictionary<string, string?>();

    /// <summary>
    /// The loopback addresses the gateway listens on, all on its one port (several frontends on several origins).
    /// Keep 127.0.0.1 among them: <see cref="GatewayProcess.BaseAddress"/> and the readiness probe use it.
    /// </summary>
    public IReadOnlyList<string> Hosts { get; init; } = ["127.0.0.1"];

    // As generous as the IdP's: with several processes starting at once on two cores, a start can take over 30 s.
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
