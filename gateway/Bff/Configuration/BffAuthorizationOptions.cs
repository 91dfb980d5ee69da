namespace Bff.Configuration;

/// <summary>
/// The <c>Bff:Authorization</c> section: the policies a proxied route can name in YARP's own
/// <c>AuthorizationPolicy</c> field, judged on the session's claims (those of the ID token).
/// </summary>
public sealed class BffAuthorizationOptions
{
    /// <summary>The default of <see cref="RoleClaim"/>: the claim type that oidc-provider, Keycloak's mappers and Auth0's rules commonly emit.</summary>
    public const string DefaultRoleClaim = "role";

    /// <summary>
    /// The claim type whose values are the user's roles: what <c>RequireRoles</c> and <c>IsInRole</c> read. A claim
    /// type with ':' (a URI) cannot be a configuration key, but it can be this value.
    /// </summary>
    public string RoleClaim { get; set; } = DefaultRoleClaim;

    /// <summary>The policies by name (<c>Policies:{name}</c>); names compare without regard to case, as ASP.NET Core's do.</summary>
    public Dictionary<string, BffAuthorizationPolicyOptions> Policies { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
