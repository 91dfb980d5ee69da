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
    public const string Frontends = "Bff.Frontends";

    /// <summary>What every key of the gateway's starts with: any other key so named is a misspelling.</summary>
    public const string Prefix = "Bff.";

    /// <summary>Every key the gateway reads; <see cref="RouteMetadataValidator"/> refuses any other <c>Bff.*</c> key.</summary>
    public static readonly string[] Keys = [AccessToken, AccessTokenResource, AccessTokenScope, Antiforgery, Frontends];

    // Read on every proxied request: parsed once per route (a reload brings new RouteConfig objects).
    private static readonly ConditionalWeakTable<RouteConfig, Box> Audiences = new();

    /// <summary>The frontends a route is limited to (<see cref="Frontends"/>, comma-separated), or null when it is not limited.</summary>
    public static string[]? GetFrontends(RouteConfig route) =>
        route.Metadata is not null && route.Metadata.TryGetValue(Frontends, out var value)
            ? value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : null;

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

    private sealed record Box(TokenAudience? Audience);
}
