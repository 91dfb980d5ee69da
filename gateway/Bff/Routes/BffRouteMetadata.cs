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

    public static AccessTokenMode GetAccessTokenMode(RouteConfig route) =>
        route.Metadata is not null && route.Metadata.TryGetValue(AccessToken, out var value)
            && Enum.TryParse<AccessTokenMode>(value, ignoreCase: true, out var mode)
            ? mode
            : AccessTokenMode.User;

    public static bool RequiresAntiforgery(RouteConfig route) =>
        route.Metadata is null
        || !route.Metadata.TryGetValue(Antiforgery, out var value)
        || !bool.TryParse(value, out var required)
        || required;
}
