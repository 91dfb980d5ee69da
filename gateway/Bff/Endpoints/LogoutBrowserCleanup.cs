using Bff.Antiforgery;
using Bff.Configuration;
using Bff.Frontends;
using Bff.Sessions;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Bff.Endpoints;

/// <summary>What a logout tells the browser to forget: the session and antiforgery cookies, and the site's storage.</summary>
internal sealed class LogoutBrowserCleanup(SessionCookie sessionCookie, IOptions<AntiforgeryOptions> antiforgery, IOptions<BffOptions> options)
{
    internal const string ClearSiteData = "\"cache\", \"storage\"";
    internal const string ClearSiteDataWithCookies = "\"cache\", \"storage\", \"cookies\"";

    public void Apply(HttpContext context)
    {
        sessionCookie.Expire(context, context.GetBffClient(options.Value).Cookie);

        // Built by the same builder that set it: a __Host- cookie is only replaced by one with the same
        // attributes (Secure, Path=/, no Domain). Told the request, the builder names its frontend's cookie.
        var cookie = antiforgery.Value.Cookie;
        using (AntiforgeryRequest.Enter(context))
        {
            context.Response.Cookies.Delete(cookie.Name!, cookie.Build(context, DateTimeOffset.UnixEpoch));
        }

        context.Response.Headers["Clear-Site-Data"] = options.Value.Logout.ClearSiteDataCookies ? ClearSiteDataWithCookies : ClearSiteData;
    }
}
