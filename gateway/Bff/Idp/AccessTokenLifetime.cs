using System.Globalization;
using System.Text.Json;

namespace Bff.Idp;

/// <summary>
/// How long an access token lives, by what the IdP said of it. <c>expires_in</c> is only recommended (RFC 6749
/// §5.1), and some IdPs send it as a string (<c>"3600"</c>); the gateway never reads the token itself, which may
/// well be opaque.
/// </summary>
internal static class AccessTokenLifetime
{
    /// <summary>
    /// Assumed when the IdP says nothing usable: well past <c>Bff:Tokens:RefreshBeforeExpiry</c> (a minute by
    /// default), so that not every request refreshes, and no longer than most IdPs' tokens live, so that a token is
    /// renewed before the upstream would refuse it.
    /// </summary>
    public static readonly TimeSpan Default = TimeSpan.FromMinutes(5);

    // Beyond ten years a value is nonsense, and times computed from it could overflow.
    private static readonly TimeSpan Longest = TimeSpan.FromDays(3650);

    /// <summary>The lifetime <paramref name="expiresIn"/> gives: a positive number of seconds, or a string of one; otherwise <see cref="Default"/>.</summary>
    public static TimeSpan Of(JsonElement expiresIn)
    {
        var seconds = expiresIn.ValueKind switch
        {
            JsonValueKind.Number when expiresIn.TryGetDouble(out var number) => number,
            JsonValueKind.String when double.TryParse(expiresIn.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) => number,
            _ => double.NaN,
        };

        return !double.IsFinite(seconds) || seconds <= 0 ? Default
            : seconds >= Longest.TotalSeconds ? Longest
            : TimeSpan.FromSeconds(seconds);
    }
}
