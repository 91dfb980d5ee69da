using Microsoft.Extensions.Primitives;

namespace Bff.Http;

/// <summary>
/// Reads the Cookie request header directly, for the two cookies the gateway's security rests on.
/// <para>
/// <c>Request.Cookies</c> would parse every cookie into a new dictionary on each request (the largest
/// allocation on the proxied path after the proxy's own), and it finds names case-insensitively: it would
/// read <c>__HOST-bff</c> as <c>__Host-bff</c>, though a browser that checks prefixes case-sensitively lets
/// a sibling subdomain set the former. So the session cookie is read under its exact name only.
/// </para>
/// <para>
/// Cookies are separated by <c>;</c> only (RFC 6265bis): a <c>,</c> is part of a value. A sibling subdomain
/// can set <c>t=x,__Host-bff=v</c> on the whole registrable domain; that is one cookie named <c>t</c>,
/// and reading it as the session cookie would sign the browser in to whatever session <c>v</c> opens.
/// </para>
/// </summary>
internal static class CookieHeader
{
    /// <summary>
    /// The value of the one cookie named exactly <paramref name="name"/>, as sent (a slice of the header);
    /// empty when there is none or more than one (which copy wins is not something to decide here).
    /// </summary>
    public static ReadOnlySpan<char> ValueOf(StringValues headers, string name)
    {
        var found = false;
        ReadOnlySpan<char> result = default;
        foreach (var header in headers)
        {
            var text = header.AsSpan();
            foreach (var range in text.Split(';'))
            {
                if (Split(text[range], out var value).SequenceEqual(name))
                {
                    if (found)
                    {
                        return default;
                    }

                    found = true;
                    result = value;
                }
            }
        }

        return result;
    }

    /// <summary>
    /// How many cookies are named <paramref name="first"/> and how many <paramref name="second"/>, in any
    /// case: every copy a case-insensitive reader (the framework's, which antiforgery uses) could pick.
    /// </summary>
    public static (int First, int Second) Count(StringValues headers, string first, string second)
    {
        int firsts = 0, seconds = 0;
        foreach (var header in headers)
        {
            var text = header.AsSpan();
            foreach (var range in text.Split(';'))
            {
                var name = Split(text[range], out _);
                if (name.Equals(first, StringComparison.OrdinalIgnoreCase))
                {
                    firsts++;
                }
                else if (name.Equals(second, StringComparison.OrdinalIgnoreCase))
                {
                    seconds++;
                }
            }
        }

        return (firsts, seconds);
    }

    private static ReadOnlySpan<char> Split(ReadOnlySpan<char> pair, out ReadOnlySpan<char> value)
    {
        var equals = pair.IndexOf('=');
        value = equals < 0 ? default : pair[(equals + 1)..].Trim();
        return (equals < 0 ? pair : pair[..equals]).Trim();
    }
}
