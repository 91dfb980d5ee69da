using Microsoft.Extensions.Options;

namespace Bff.Configuration;

/// <summary>Stops start-up on a <c>Bff:Authorization</c> policy that could not mean what it says, naming the key.</summary>
internal sealed class AuthorizationValidator : IValidateOptions<BffOptions>
{
    /// <summary>
    /// The names YARP gives a meaning of its own in a route's <c>AuthorizationPolicy</c> (the host's default
    /// policy, no authorization): a policy so named could never be chosen by a route.
    /// </summary>
    internal static readonly string[] ReservedNames = ["default", "anonymous"];

    public ValidateOptionsResult Validate(string? name, BffOptions options)
    {
        var errors = new List<string>();
        var authorization = options.Authorization;
        if (string.IsNullOrWhiteSpace(authorization.RoleClaim))
        {
            errors.Add("Bff:Authorization:RoleClaim must not be empty (the claim type of the user's roles; default 'role').");
        }

        foreach (var (policyName, policy) in authorization.Policies)
        {
            var section = $"Bff:Authorization:Policies:{policyName}";
            if (ReservedNames.Contains(policyName, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add($"{section}: '{policyName}' is reserved (a route's AuthorizationPolicy '{policyName}' means YARP's own); choose another name.");
                continue;
            }

            // An empty policy would let everyone through, or (ASP.NET Core's answer) fail when it is built.
            if (!policy.RequireAuthenticatedUser && policy.RequireClaims.Count == 0 && policy.RequireRoles.Length == 0)
            {
                errors.Add($"{section} requires nothing: give RequireAuthenticatedUser, RequireClaims or RequireRoles.");
            }

            foreach (var (type, values) in policy.RequireClaims)
            {
                if (values is null || values.Length == 0 || values.Any(string.IsNullOrWhiteSpace))
                {
                    errors.Add($"{section}:RequireClaims:{type} must list the allowed values, none empty.");
                }
            }

            if (policy.RequireRoles.Any(string.IsNullOrWhiteSpace))
            {
                errors.Add($"{section}:RequireRoles must not hold an empty role.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
