using Bff.Endpoints;
using Bff.Sessions;
using Bff.Tokens;

namespace Bff;

/// <summary>The <c>Bff</c> configuration section. Every default here is the one in the contract.</summary>
public sealed class BffOptions
{
    public const string SectionName = "Bff";

    /// <summary>IdP issuer URL. Required.</summary>
    public string? Authority { get; set; }

    /// <summary>Confidential client id. Required.</summary>
    public string? ClientId { get; set; }

    /// <summary>Confidential client secret. Required.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Scopes requested at login; empty means <c>openid profile offline_access</c>.</summary>
    // Empty rather than pre-filled: the configuration binder appends to a pre-filled collection.
    public List<string> Scopes { get; set; } = [];

    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>The origin the SPA is served from; null derives it from the request.</summary>
    public string? PublicOrigin { get; set; }

    public BffCookieOptions Cookie { get; set; } = new();

    public BffSessionOptions Session { get; set; } = new();

    public BffTokenOptions Tokens { get; set; } = new();

    /// <summary>A session-store call slower than this fails the request with 503.</summary>
    public TimeSpan SessionStoreTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public BffDataProtectionOptions DataProtection { get; set; } = new();

    public BffLogoutOptions Logout { get; set; } = new();

    public BffForwardedHeadersOptions ForwardedHeaders { get; set; } = new();

    internal static readonly string[] DefaultScopes = ["openid", "profile", "offline_access"];

    internal IReadOnlyList<string> EffectiveScopes => Scopes.Count == 0 ? DefaultScopes : Scopes;
}
