using Bff.Sessions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Bff.Endpoints;

/// <summary>What a logout tells the browser to forget: the session and antiforgery cookies, and the site's storage.</summary>
internal sealed class BrowserLogout(SessionCookie sessionCookie, IOptions<BffOptions> options)
{
    /// <summary>The contract's antiforgery cookie (Microsoft.AspNetCore.Antiforgery's, configured by the Antiforgery folder).</summary>
    internal const string AntiforgeryCookieName = "__Host-bff-af";

    internal const string ClearSiteData = "\"cache\", \"storage\"";
    internal const string ClearSiteDataWithCookies = "\"cache\", \"storage\", \"cookies\"";

    private static readonly CookieOptions AntiforgeryCookie = new()
    {
        // The attributes it was set with: a __Host- cookie is only replaced by one that is Secure, Path=/ and has no Domain.
        Secure = true,
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Path = "/",
        IsEssential = true,
        Expires = DateTimeOffset.UnixEpoch,
    };

    public void Apply(HttpContext context)
    {
        sessionCookie.Expire(context);
        context.Response.Cookies.Delete(AntiforgeryCookieName, AntiforgeryCookie);
        context.Response.Headers["Clear-Site-Data"] = options.Value.Logout.ClearSiteDataCookies ? ClearSiteDataWithCookies : ClearSiteData;
    }
}
