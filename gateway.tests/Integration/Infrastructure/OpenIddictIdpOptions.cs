namespace Bff.Tests.Integration.Infrastructure;

/// <summary>How to start an <see cref="OpenIddictIdp"/>; anything left null keeps the IdP's own default.</summary>
public sealed class OpenIddictIdpOptions
{
    /// <summary>Whole seconds (OIDDICT_ACCESS_TOKEN_TTL); the IdP's default is 300 s.</summary>
    public TimeSpan? AccessTokenLifetime { get; init; }

    public string ClientId { get; init; } = "bff";

    public string ClientSecret { get; init; } = "bff-secret";

    /// <summary>The client's key for private_key_jwt (OIDDICT_CLIENT_PUBLIC_KEY_PATH): PEM key or certificate, or JWKS.</summary>
    public string? ClientPublicKeyPath { get; init; }

    /// <summary>More OIDDICT_* variables, for settings this type does not name.</summary>
    public IDictionary<string, string> ExtraEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>A bound on a hang: the first request compiles OpenIddict's whole handler pipeline, slow on a busy machine.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
