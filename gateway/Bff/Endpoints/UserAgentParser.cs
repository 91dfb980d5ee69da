namespace Bff.Endpoints;

/// <summary>
/// A rough reading of a User-Agent string, enough for a user to recognise their own devices in the sessions
/// list ("Firefox 128 on Windows"). Deliberately small: the raw string is listed too, and nothing is
/// decided on what this returns.
/// </summary>
internal static class UserAgentParser
{
    public const string Unknown = "Unknown";

    private static readonly string[] BotMarkers = ["bot", "spider", "crawl", "slurp", "curl/", "wget/", "python-requests", "headless"];

    // Most specific first: Edge, Opera and Samsung Internet also say Chrome and Safari; Chrome also says Safari.
    private static readonly (string Marker, string Name)[] Browsers =
    [
        ("Edg/", "Edge"), ("EdgA/", "Edge"), ("EdgiOS/", "Edge"),
        ("OPR/", "Opera"),
        ("SamsungBrowser/", "Samsung Internet"),
        ("Firefox/", "Firefox"), ("FxiOS/", "Firefox"),
        ("CriOS/", "Chrome"), ("Chrome/", "Chrome"),
        ("Version/", "Safari"),
        ("Trident/", "Internet Explorer"),
    ];

    public static DeviceInfo Parse(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
        {
            return new DeviceInfo(Unknown, Unknown, "unknown");
        }

        var os = OsOf(userAgent);
        return new DeviceInfo(BrowserOf(userAgent), os, TypeOf(userAgent, os));
    }

    private static string BrowserOf(string ua)
    {
        foreach (var (marker, name) in Browsers)
        {
            var at = ua.IndexOf(marker, StringComparison.Ordinal);
            if (at < 0 || (name == "Safari" && !ua.Contains("Safari/", StringComparison.Ordinal)))
            {
                continue;
            }

            var major = MajorVersion(ua, at + marker.Length);
            return major is null ? name : name + " " + major;
        }

        // Other clients name themselves in a product token: "curl/8.5.0", "(compatible; Googlebot/2.1; ...)".
        foreach (var token in ua.Split([' ', ';', '(', ')'], StringSplitOptions.RemoveEmptyEntries))
        {
            var slash = token.IndexOf('/', StringComparison.Ordinal);
            var name = slash > 0 ? token[..slash] : "";
            if (name.Length > 0 && name != "Mozilla" && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
            {
                return name;
            }
        }

        return Unknown;
    }

    private static string OsOf(string ua)
    {
        if (ua.Contains("iPhone", StringComparison.Ordinal) || ua.Contains("iPod", StringComparison.Ordinal))
        {
            return "iOS";
        }

        if (ua.Contains("iPad", StringComparison.Ordinal))
        {
            return "iPadOS";
        }

        var android = ua.IndexOf("Android", StringComparison.Ordinal);
        if (android >= 0)
        {
            var major = MajorVersion(ua, android + "Android ".Length);
            return major is null ? "Android" : "Android " + major;
        }

        if (ua.Contains("CrOS", StringComparison.Ordinal))
        {
            return "ChromeOS";
        }

        if (ua.Contains("Windows", StringComparison.Ordinal))
        {
            return "Windows";
        }

        if (ua.Contains("Mac OS X", StringComparison.Ordinal) || ua.Contains("Macintosh", StringComparison.Ordinal))
        {
            return "macOS";
        }

        return ua.Contains("Linux", StringComparison.Ordinal) ? "Linux" : Unknown;
    }

    private static string TypeOf(string ua, string os)
    {
        if (BotMarkers.Any(m => ua.Contains(m, StringComparison.OrdinalIgnoreCase)))
        {
            return "bot";
        }

        if (os == "iPadOS" || ua.Contains("Tablet", StringComparison.Ordinal)
            || (os.StartsWith("Android", StringComparison.Ordinal) && !ua.Contains("Mobile", StringComparison.Ordinal)))
        {
            return "tablet";
        }

        if (os == "iOS" || os.StartsWith("Android", StringComparison.Ordinal) || ua.Contains("Mobi", StringComparison.Ordinal))
        {
            return "mobile";
        }

        return os is "Windows" or "macOS" or "Linux" or "ChromeOS" ? "desktop" : "unknown";
    }

    private static string? MajorVersion(string ua, int start)
    {
        var end = start;
        while (end < ua.Length && end - start < 5 && char.IsAsciiDigit(ua[end]))
        {
            end++;
        }

        return end > start ? ua[start..end] : null;
    }
}
