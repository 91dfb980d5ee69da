using Microsoft.AspNetCore.Http;

namespace Bff.Http;

/// <summary>
/// Where the SPA is served from: <c>Bff:PublicOrigin</c> when set, else the request's own scheme and host (as the
/// OIDC handler would build its redirect URI). The one place the origin is derived: the CSRF checks compare
/// <c>Origin</c> with it, and the redirect URIs sent to the IdP are built on it.
/// </summary>
internal static class PublicOrigin
{
    /// <summary><c>scheme://host[:port]</c>, without a trailing slash or path.</summary>
    /// <param name="request">The request, whose scheme and host count only when nothing is configured.</param>
    /// <param name="configured"><c>Bff:PublicOrigin</c>; null or empty derives it from the request.</param>
    public static string Of(HttpRequest request, string? configured) =>
        configured is { Length: > 0 }
            ? configured.TrimEnd('/')
            : request.Scheme + "://" + request.Host.ToUriComponent();

    /// <summary>The absolute URL of one of the gateway's paths, under the request's path base.</summary>
    public static string UrlOf(HttpRequest request, string? configured, PathString path) =>
        Of(request, configured) + request.PathBase.ToUriComponent() + path.ToUriComponent();
}
