using System.Globalization;

namespace Bff.Tests.Support;

/// <summary>
/// One Set-Cookie header, parsed the way RFC 6265 §5.2 tells a browser to, keeping the raw text
/// so tests can assert on exactly what the server sent.
/// </summary>
public sealed class SetCookie
{
    private static readonly string[] DateFormats =
    [
        "ddd, dd MMM yyyy HH:mm:ss 'GMT'",
        "ddd, dd-MMM-yyyy HH:mm:ss 'GMT'",
        "dddd, dd-MMM-yy HH:mm:ss 'GMT'",
        "ddd MMM d HH:mm:ss yyyy",
    ];

    private readonly List<KeyValuePair<string, string?>> _attributes;

    private SetCookie(string raw, string name, string value, List<KeyValuePair<string, string?>> attributes)
    {
        Raw = raw;
        Name = name;
        Value = value;
        _attributes = attributes;
    }

    public string Raw { get; }

    public string Name { get; }

    public string Value { get; }

    /// <summary>Every attribute in order, names as sent; a flag has a null value.</summary>
    public IReadOnlyList<KeyValuePair<string, string?>> Attributes => _attributes;

    public string? Path => Last("Path");

    public string? Domain => Last("Domain");

    public string? SameSite => Last("SameSite");

    public bool Secure => Has("Secure");

    public bool HttpOnly => Has("HttpOnly");

    public bool Partitioned => Has("Partitioned");

    /// <summary>Max-Age in seconds; null when absent or not an integer (a browser ignores it then).</summary>
    public long? MaxAge =>
        Last("Max-Age") is { } text && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds)
            ? seconds
            : null;

    /// <summary>Null when absent or unparseable (a browser ignores it then).</summary>
    public DateTimeOffset? Expires
    {
        get
        {
            const DateTimeStyles styles = DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces;
            var text = Last("Expires");
            if (text is null)
            {
                return null;
            }

            return DateTimeOffset.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, styles, out var exact)
                ? exact
                : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, styles, out var loose) ? loose : null;
        }
    }

    /// <summary>When the browser drops it: Max-Age wins over Expires; null for a session cookie.</summary>
    public DateTimeOffset? ExpiresAt(DateTimeOffset receivedAt) => MaxAge switch
    {
        { } seconds when seconds <= 0 => DateTimeOffset.MinValue,
        { } seconds => seconds > 400L * 24 * 3600 ? receivedAt.AddDays(400) : receivedAt.AddSeconds(seconds),
        null => Expires,
    };

    /// <summary>Whether receiving it removes the cookie of that name.</summary>
    public bool IsDeletion(DateTimeOffset now) => ExpiresAt(now) is { } at && at <= now;

    public bool Has(string attribute) => _attributes.Exists(a => string.Equals(a.Key, attribute, StringComparison.OrdinalIgnoreCase));

    /// <summary>The last value of an attribute, as browsers use the last one when repeated.</summary>
    public string? Last(string attribute) =>
        _attributes.FindLast(a => string.Equals(a.Key, attribute, StringComparison.OrdinalIgnoreCase)).Value;

    public static SetCookie Parse(string header) =>
        TryParse(header, out var cookie) ? cookie : throw new FormatException($"Not a Set-Cookie header a browser would accept: '{header}'.");

    public static bool TryParse(string header, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SetCookie? cookie)
    {
        ArgumentNullException.ThrowIfNull(header);
        cookie = null;
        var parts = header.Split(';');
        var nameValue = parts[0];
        var equals = nameValue.IndexOf('=', StringComparison.Ordinal);
        // A pair without '=' or with an empty name is ignored (RFC 6265 §5.2 steps 2-5).
        if (equals <= 0)
        {
            return false;
        }

        var name = nameValue[..equals].Trim();
        if (name.Length == 0)
        {
            return false;
        }

        var attributes = new List<KeyValuePair<string, string?>>();
        foreach (var part in parts.Skip(1))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var key = (eq < 0 ? part : part[..eq]).Trim();
            if (key.Length == 0)
            {
                continue;
            }

            attributes.Add(new(key, eq < 0 ? null : part[(eq + 1)..].Trim()));
        }

        cookie = new SetCookie(header, name, nameValue[(equals + 1)..].Trim(), attributes);
        return true;
    }

    public override string ToString() => Raw;
}
