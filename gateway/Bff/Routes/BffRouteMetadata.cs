using System.Runtime.CompilerServices;
using Yarp.ReverseProxy.Configuration;

namespace Bff.Routes;

/// <summary>Reads the gateway's YARP route metadata keys.</summary>
internal static class BffRouteMetadata
{
    public const string AccessToken = "Bff.AccessToken";
    public const string Antiforgery = "Bff.Antiforgery";
    public const string AccessTokenResource = "Bff.AccessToken.Resource";
    public const string AccessTokenScope = "Bff.AccessToken.Scope";

    // Read on every proxied request: parsed once per route (a reload brings new RouteConfig objects).
    private static readonly ConditionalWeakTable<RouteConfig, Box> Audiences = new();

    /// <summary>Comma-separated names of the frontends that may call the route; absent: every frontend.</summary>
    public const string Frontends = "Bff.Frontends";

    /// <summary>The frontends a route is limited to, or null when it is not limited.</summary>
    public static string[]? GetFrontends(RouteConfig route) =>
        route.Metadata is not null && route.Metadata.TryGetValue(Frontends, out var value)
            ? value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : null;

    /// <summary>Errors that stop start-up: a route limited to no frontend, or to one that is not configured.</summary>
    public static IEnumerable<string> ValidateFrontends(RouteConfig route, IReadOnlyCollection<string> configured)
    {
        if (GetFrontends(route) is not { } names)
        {
            yield break;
        }

        if (names.Length == 0)
        {
            yield return $"ReverseProxy:Routes:{route.RouteId}:Metadata:{Frontends} must name at least one frontend of Bff:Frontends.";
        }

        foreach (var name in names.Where(n => !configured.Contains(n)))
        {
            yield return $"ReverseProxy:Routes:{route.RouteId}:Metadata:{Frontends} names '{name}', which is not a frontend of Bff:Frontends.";
        }
    }

    public static AccessTokenMode GetAccessTokenMode(RouteConfig route) =>
        route.Metadata is not null && route.Metadata.TryGetValue(AccessToken, out var value)
            && Enum.TryParse<AccessTokenMode>(value, ignoreCase: true, out var mode)
            ? mode
            : AccessTokenMode.User;

    /// <summary>The resource and scope the route's token is for, or null for the session's (or client's) own token.</summary>
    public static TokenAudience? GetTokenAudience(RouteConfig route) =>
        route.Metadata is null ? null : Audiences.GetValue(route, static r => new Box(ReadAudience(r))).Audience;

    private static TokenAudience? ReadAudience(RouteConfig route) =>
        TokenAudience.Of(route.Metadata!.GetValueOrDefault(AccessTokenResource), route.Metadata!.GetValueOrDefault(AccessTokenScope));

    /// <summary>
    /// Every resource and scope that routes sending the user's token name: what the authorization request must ask for,
    /// so that the refresh grant may ask for each later. Client routes are left out: the user grants them nothing.
    /// </summary>
    public static (IReadOnlyList<string> Resources, IReadOnlyList<string> Scopes) UserAudiences(IEnumerable<RouteConfig> routes)
    {
        var resources = new SortedSet<string>(StringComparer.Ordinal);
        var scopes = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var route in routes)
        {
            if (GetAccessTokenMode(route) is AccessTokenMode.Client or AccessTokenMode.None || GetTokenAudience(route) is not { } audience)
            {
                continue;
            }

            if (audience.Resource is { } resource)
            {
                resources.Add(resource);
            }

            scopes.UnionWith(audience.Scopes);
        }

        return ([.. resources], [.. scopes]);
    }

    public static bool RequiresAntiforgery(RouteConfig route) =>
        route.Metadata is null
        || !route.Metadata.TryGetValue(Antiforgery, out var value)
        || !bool.TryParse(value, out var required)
        || required;

    /// <summary>Errors that stop start-up: a misspelt value must not silently weaken a route.</summary>
    public static IEnumerable<string> Validate(RouteConfig route)
    {
        if (route.Metadata is null)
        {
            yield break;
        }

        if (route.Metadata.TryGetValue(AccessToken, out var mode))
        {
            if (!Enum.TryParse<AccessTokenMode>(mode, ignoreCase: true, out _) || int.TryParse(mode, out _))
            {
                yield return $"ReverseProxy:Routes:{route.RouteId}:Metadata:{AccessToken} must be User, UserOptional, UserOrClient, Client or None (was '{mode}').";
            }
        }

        if (route.Metadata.TryGetValue(Antiforgery, out var antiforgery) && !bool.TryParse(antiforgery, out _))
        {
            yield return $"ReverseProxy:Routes:{route.RouteId}:Metadata:{Antiforgery} must be true or false (was '{antiforgery}').";
        }
    }

    private sealed record Box(TokenAudience? Audience);
}
