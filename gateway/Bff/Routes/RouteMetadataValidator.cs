using Bff.Configuration;
using Yarp.ReverseProxy.Configuration;

namespace Bff.Routes;

/// <summary>
/// The errors that stop start-up (and refuse a reload) for a route's <c>Bff.*</c> metadata and its
/// <c>AuthorizationPolicy</c>, each naming the key: a misspelt or contradictory value must not silently weaken a
/// route, nor be read as something else (a comma list of token modes parses as a flag combination).
/// </summary>
internal static class RouteMetadataValidator
{
    private const int MaxFrontendNameLength = 64;

    public static IEnumerable<string> Validate(RouteConfig route, RouteMetadataRules rules)
    {
        var key = $"ReverseProxy:Routes:{route.RouteId}";
        if (route.AuthorizationPolicy is { Length: > 0 } policy && !IsYarpReserved(policy) && !rules.IsPolicy(policy))
        {
            yield return $"{key}:AuthorizationPolicy names '{policy}', which is not a policy: configure Bff:Authorization:Policies:{policy}, or use 'default' or 'anonymous'.";
        }

        if (route.Metadata is null)
        {
            yield break;
        }

        key += ":Metadata:";
        foreach (var name in route.Metadata.Keys)
        {
            if (name.StartsWith(BffRouteMetadata.Prefix, StringComparison.OrdinalIgnoreCase)
                && !BffRouteMetadata.Keys.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                yield return $"{key}{name} is not a key of the gateway (known: {string.Join(", ", BffRouteMetadata.Keys)}).";
            }
        }

        var none = false;
        if (route.Metadata.TryGetValue(BffRouteMetadata.AccessToken, out var mode))
        {
            var modes = Enum.GetNames<AccessTokenMode>();
            var named = modes.FirstOrDefault(m => string.Equals(m, mode?.Trim(), StringComparison.OrdinalIgnoreCase));
            if (named is null)
            {
                yield return $"{key}{BffRouteMetadata.AccessToken} must be one of {string.Join(", ", modes)} (was '{mode}').";
            }

            none = named == nameof(AccessTokenMode.None);
        }

        if (route.Metadata.TryGetValue(BffRouteMetadata.Antiforgery, out var antiforgery) && !bool.TryParse(antiforgery, out _))
        {
            yield return $"{key}{BffRouteMetadata.Antiforgery} must be true or false (was '{antiforgery}').";
        }

        if (route.Metadata.TryGetValue(BffRouteMetadata.AccessTokenResource, out var resource))
        {
            if (!IsResource(resource))
            {
                yield return $"{key}{BffRouteMetadata.AccessTokenResource} must be an absolute URI without a fragment, such as https://api.example.com (was '{resource}').";
            }

            if (none)
            {
                yield return $"{key}{BffRouteMetadata.AccessTokenResource} asks for a token on a route whose {BffRouteMetadata.AccessToken} is None.";
            }
        }

        if (route.Metadata.TryGetValue(BffRouteMetadata.AccessTokenScope, out var scope))
        {
            if (!IsScope(scope))
            {
                yield return $"{key}{BffRouteMetadata.AccessTokenScope} must be scopes separated by spaces, each of printable ASCII without '\"' or '\\' (was '{scope}').";
            }

            if (none)
            {
                yield return $"{key}{BffRouteMetadata.AccessTokenScope} asks for a token on a route whose {BffRouteMetadata.AccessToken} is None.";
            }
        }

        if (route.Metadata.TryGetValue(BffRouteMetadata.Frontends, out var frontends))
        {
            foreach (var error in ValidateFrontends(key + BffRouteMetadata.Frontends, frontends, rules.Frontends))
            {
                yield return error;
            }
        }
    }

    // YARP's own values: the host's default policy, and no authorization at all.
    private static bool IsYarpReserved(string policy) => AuthorizationValidator.ReservedNames.Contains(policy, StringComparer.OrdinalIgnoreCase);

    // RFC 8707: an absolute URI (RFC 3986, section 4.3), no fragment. The scheme must be written out: on Unix,
    // .NET reads a bare "/api" as an absolute file URI.
    private static bool IsResource(string? value) =>
        value is not null
        && Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri)
        && value.Trim().StartsWith(uri.Scheme + ":", StringComparison.OrdinalIgnoreCase)
        && !value.Contains('#', StringComparison.Ordinal);

    // RFC 6749, section 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), separated by spaces.
    private static bool IsScope(string? value)
    {
        var tokens = value?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        return tokens.Length > 0 && tokens.All(token => token.All(c => c is '\x21' or (>= '\x23' and <= '\x5B') or (>= '\x5D' and <= '\x7E')));
    }

    private static IEnumerable<string> ValidateFrontends(string key, string? value, IReadOnlySet<string>? configured)
    {
        var names = (value ?? "").Split(',', StringSplitOptions.TrimEntries);
        foreach (var name in names)
        {
            if (name.Length is 0 or > MaxFrontendNameLength || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                yield return $"{key} must be frontend names separated by commas, each 1 to {MaxFrontendNameLength} letters, digits, '-' or '_' (was '{value}').";
                yield break;
            }
        }

        if (configured is null)
        {
            yield break;
        }

        foreach (var name in names.Where(name => !configured.Contains(name)))
        {
            yield return $"{key} names '{name}', which is not configured under Bff:Frontends.";
        }
    }
}
