namespace Bff.Configuration;

/// <summary>
/// One policy of <c>Bff:Authorization:Policies:{name}</c>. Every requirement given must hold; a policy gives at
/// least one.
/// </summary>
public sealed class BffAuthorizationPolicyOptions
{
    /// <summary>A session is required (a policy with claims or roles requires one anyway).</summary>
    public bool RequireAuthenticatedUser { get; set; }

    /// <summary>Per claim type, the values allowed: the user needs a claim of each type with one of its values.</summary>
    public Dictionary<string, string[]> RequireClaims { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The user needs one of these roles (claims of <see cref="BffAuthorizationOptions.RoleClaim"/>).</summary>
    public string[] RequireRoles { get; set; } = [];
}
