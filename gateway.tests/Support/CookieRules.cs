namespace Bff.Tests.Support;

/// <summary>
/// How a browser on 127.0.0.1 judges cookies, for <see cref="CookieJar"/>: which Set-Cookie it refuses (prefix rules,
/// a foreign Domain), the path a cookie gets when it names none, and which paths it is sent to (RFC 6265bis).
/// </summary>
internal static class CookieRules
{
    public static string? RejectionReason(SetCookie cookie, Uri requestUri)
    {
        var loopback = requestUri.IsLoopback;
        if (cookie.Secure && requestUri.Scheme != Uri.UriSchemeHttps && !loopback)
        {
            return "Secure over http to a host that is not loopback";
        }

        if (cookie.Domain is { } domain && !string.Equals(domain.TrimStart('.'), requestUri.Host, StringComparison.OrdinalIgnoreCase))
        {
            return "Domain does not match the host";
        }

        if (cookie.Name.StartsWith("__Secure-", StringComparison.Ordinal) && !cookie.Secure)
        {
            return "__Secure- without Secure";
        }

        if (cookie.Name.StartsWith("__Host-", StringComparison.Ordinal)
            && (!cookie.Secure || cookie.Has("Domain") || cookie.Path != "/"))
        {
            return "__Host- needs Secure, Path=/ and no Domain";
        }

        return null;
    }

    // RFC 6265 §5.1.4.
    public static string DefaultPath(Uri requestUri)
    {
        var path = requestUri.AbsolutePath;
        if (path.Length == 0 || path[0] != '/')
        {
            return "/";
        }

        var lastSlash = path.LastIndexOf('/');
        return lastSlash == 0 ? "/" : path[..lastSlash];
    }

    public static bool PathMatches(string requestPath, string cookiePath) =>
        requestPath == cookiePath
        || (requestPath.StartsWith(cookiePath, StringComparison.Ordinal)
            && (cookiePath.EndsWith('/') || requestPath[cookiePath.Length] == '/'));
}
