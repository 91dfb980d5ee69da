using Bff.Configuration;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Bff.Authorization;

/// <summary>
/// Turns each policy of <c>Bff:Authorization:Policies</c> into an ASP.NET Core policy of that name, which a
/// proxied route names in its <c>AuthorizationPolicy</c>. Policies a host adds itself stay beside them; the
/// default and fallback policies are the host's and are left alone.
/// </summary>
internal sealed class AuthorizationPolicySetup(IOptions<BffOptions> bffOptions) : IConfigureOptions<AuthorizationOptions>
{
    public void Configure(AuthorizationOptions options)
    {
        foreach (var (name, policy) in bffOptions.Value.Authorization.Policies)
        {
            options.AddPolicy(name, Build(policy));
        }
    }

    internal static AuthorizationPolicy Build(BffAuthorizationPolicyOptions policy)
    {
        // Judged on the session whatever the host's default scheme: refusals are then the session scheme's own
        // 401 unauthenticated and 403 forbidden problems, never another scheme's redirect or bare status.
        var builder = new AuthorizationPolicyBuilder(BffSessionDefaults.Scheme);
        if (policy.RequireAuthenticatedUser)
        {
            builder.RequireAuthenticatedUser();
        }

        foreach (var (type, values) in policy.RequireClaims)
        {
            builder.RequireClaim(type, values);
        }

        if (policy.RequireRoles.Length > 0)
        {
            // Read through the identity's role claim type, which the session principal takes from Bff:Authorization:RoleClaim.
            builder.RequireRole(policy.RequireRoles);
        }

        return builder.Build();
    }
}
