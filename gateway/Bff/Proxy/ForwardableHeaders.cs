using Bff.Http;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Bff.Proxy;

/// <summary>
/// Kestrel accepts header values with bytes beyond ASCII (RFC 9110's obs-text), but the upstream client refuses to
/// send them, which the forwarder would report as an unreachable upstream (502). Such a request is the client's
/// error, so it is refused as bad input before anything is forwarded.
/// </summary>
internal static class ForwardableHeaders
{
    public static bool AreAscii(IHeaderDictionary headers)
    {
        using var pairs = HeaderPairs.Of(headers);
        foreach (var header in pairs.Pairs)
        {
            foreach (var value in header.Value)
            {
                if (value is not null && !Ascii.IsValid(value))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
