using System.Collections.Concurrent;
using System.Globalization;

namespace Bff.Testing;

/// <summary>
/// The cookies of one test browser on one site. A browser would send the gateway's <c>__Host-</c> cookies to it
/// alone, so the jar keeps them by name only; it honours deletion (<c>Max-Age=0</c>, an <c>Expires</c> passed on
/// the kit's clock) and ignores the other attributes.
/// </summary>
internal sealed class KitCookieJar(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, string> _cookies = new(StringComparer.Ordinal);

    public string? Value(string name) => _cookies.TryGetValue(name, out var value) ? value : null;

    public string? Header() => _cookies.IsEmpty ? null : string.Join("; ", _cookies.Select(c => c.Key + "=" + c.Value));

    public void Store(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            return;
        }

        foreach (var setCookie in setCookies)
        {
            var parts = setCookie.Split(';', StringSplitOptions.TrimEntries);
            var pair = parts[0].Split('=', 2);
            if (pair.Length != 2 || pair[0].Length == 0)
            {
                continue;
            }

            if (IsDeletion(parts[1..]))
            {
                _cookies.TryRemove(pair[0], out _);
            }
            else
            {
                _cookies[pair[0]] = pair[1];
            }
        }
    }

    private bool IsDeletion(string[] attributes)
    {
        foreach (var attribute in attributes)
        {
            var pair = attribute.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pair.Length != 2)
            {
                continue;
            }

            if (pair[0].Equals("Max-Age", StringComparison.OrdinalIgnoreCase) && long.TryParse(pair[1], CultureInfo.InvariantCulture, out var maxAge) && maxAge <= 0)
            {
                return true;
            }

            if (pair[0].Equals("Expires", StringComparison.OrdinalIgnoreCase)
                && DateTimeOffset.TryParse(pair[1], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expires) && expires <= time.GetUtcNow())
            {
                return true;
            }
        }

        return false;
    }
}
