namespace Bff.Tests.Integration.Infrastructure;

/// <summary>How to start a <see cref="DevIdp"/>; anything left null keeps the IdP's own default.</summary>
public sealed class DevIdpOptions
{
    /// <summary>Whole seconds (IDP_ACCESS_TOKEN_TTL); the IdP's default is 300 s.</summary>
    public TimeSpan? AccessTokenLifetime { get; init; }

    public TimeSpan? RefreshTokenLifetime { get; init; }

    public TimeSpan? IdTokenLifetime { get; init; }

    /// <summary>The gateway's back-channel logout endpoint; reserve the gateway's port with <see cref="FreePort"/> first.</summary>
    public Uri? BackchannelLogoutUri { get; init; }

    public string ClientId { get; init; } = "bff";

    public string ClientSecret { get; init; } = "bff-secret";

    public string? ApiResource { get; init; }

    /// <summary>
    /// The loopback address it listens on (IDP_HOST), and its issuer's host. Another address than the gateway's
    /// 127.0.0.1 makes the IdP another site, as a real one on its own domain is.
    /// </summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>A fixed port, say to come back on the same issuer; null picks a free one.</summary>
    public int? Port { get; init; }

    /// <summary>More IDP_* variables, for settings this type does not name.</summary>
    public IDictionary<string, string> ExtraEnvironment { get; init; } = new Dictionary<string, string>();

    // Generous: with several IdPs, gateways and an OpenIddict host starting at once, two cores can keep node waiting.
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
