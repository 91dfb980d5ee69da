using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;

namespace Bff.Sessions;

/// <summary>
/// Some IdPs (Keycloak, for one) say how long the refresh token lives (<c>refresh_expires_in</c>). A session
/// cannot outlive its refresh token usefully, so its absolute deadline is capped with it at login.
/// </summary>
internal static class RefreshTokenLifetime
{
    internal const string PropertiesKey = ".bff.refresh_expires_in";

    /// <summary>For <c>OnTokenResponseReceived</c>: hands the value to the sign-in through the authentication properties.</summary>
    public static Task CaptureAsync(TokenResponseReceivedContext context)
    {
        var value = context.TokenEndpointResponse.GetParameter("refresh_expires_in");
        // 0 means "no expiry" (offline tokens), and anything unreadable is ignored rather than trusted.
        if (context.Properties is not null
            && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
        {
            context.Properties.Items[PropertiesKey] = seconds.ToString(CultureInfo.InvariantCulture);
        }

        return Task.CompletedTask;
    }

    /// <summary>The earlier of <paramref name="absoluteExpiresAt"/> and the refresh token's expiry, when known.</summary>
    public static DateTimeOffset Cap(AuthenticationProperties? properties, DateTimeOffset now, DateTimeOffset absoluteExpiresAt)
    {
        if (properties?.Items.TryGetValue(PropertiesKey, out var value) == true
            && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            && seconds > 0
            && seconds < (absoluteExpiresAt - now).TotalSeconds)
        {
            return now.AddSeconds(seconds);
        }

        return absoluteExpiresAt;
    }
}
