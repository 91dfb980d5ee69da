using Bff.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Bff.Antiforgery;

/// <summary>
/// Refuses requests a browser says come from another site: <c>Sec-Fetch-Site: cross-site</c>, an
/// <c>Origin</c> that is not the public origin, or <c>Origin: null</c> (sandboxed frames, data: URLs,
/// some redirects). A request with neither header is not a browser's and is left to the other checks.
/// </summary>
/// <remarks>
/// <c>same-site</c> (a sibling subdomain, or the other scheme of the same host) is refused unless the
/// request's <c>Origin</c> is the public origin: a subdomain is often a separate application, and whoever
/// controls one must not be able to act as the user here. Unknown or repeated values are refused too.
/// </remarks>
internal sealed class BrowserContextCheck
{
    public const string FetchSiteHeaderName = "Sec-Fetch-Site";

    private readonly Uri? _publicOrigin;

    /// <param name="publicOrigin"><c>Bff:PublicOrigin</c>; null or empty derives it from each request.</param>
    public BrowserContextCheck(string? publicOrigin)
    {
        if (!string.IsNullOrEmpty(publicOrigin))
        {
            _publicOrigin = new Uri(publicOrigin, UriKind.Absolute);
        }
    }

    /// <summary>Null when the request may proceed, otherwise the reason it is refused (a metric tag).</summary>
    public string? Check(HttpRequest request) => Check(request, _publicOrigin);

    /// <summary>The same against a frontend's own origin (null derives it from the request).</summary>
    public static string? Check(HttpRequest request, Uri? publicOrigin)
    {
        var origin = request.Headers.Origin;
        var site = request.Headers[FetchSiteHeaderName];
        if (origin.Count > 1 || site.Count > 1)
        {
            return "ambiguous_origin";
        }

        var originIsPublic = false;
        if (origin.Count == 1)
        {
            if (origin[0] == "null")
            {
                return "null_origin";
            }

            if (!IsPublicOrigin(origin[0], request, publicOrigin))
            {
                return "foreign_origin";
            }

            originIsPublic = true;
        }

        return SiteRefusal(site, originIsPublic);
    }

    private static string? SiteRefusal(StringValues site, bool originIsPublic)
    {
        if (site.Count == 0)
        {
            return null;
        }

        return site[0] switch
        {
            "same-origin" or "none" => null,
            "same-site" => originIsPublic ? null : "same_site",
            "cross-site" => "cross_site",
            _ => "unknown_fetch_site",
        };
    }

    private static bool IsPublicOrigin(string? value, HttpRequest request, Uri? publicOrigin)
    {
        if (string.IsNullOrEmpty(value)
            || !Uri.TryCreate(value, UriKind.Absolute, out var origin)
            // An Origin is scheme://host[:port] and nothing else; anything more is not a browser's.
            || !string.Equals(origin.GetLeftPart(UriPartial.Authority), value, StringComparison.OrdinalIgnoreCase)
            || origin.UserInfo.Length > 0)
        {
            return false;
        }

        var expected = publicOrigin;
        if (expected is null && !Uri.TryCreate(PublicOrigin.Of(request, configured: null), UriKind.Absolute, out expected))
        {
            return false;
        }

        return string.Equals(origin.Scheme, expected.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(origin.IdnHost, expected.IdnHost, StringComparison.OrdinalIgnoreCase)
            && origin.Port == expected.Port;
    }
}
