using Bff.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace Bff.Antiforgery;

/// <summary>
/// Loads the request's session the same way where tokens are issued and where they are checked: the
/// token embeds the user and the session, so both sides must see the same ones.
/// </summary>
internal static class AntiforgerySession
{
    /// <summary>The session, or null when the request has none. A session-store outage throws (503).</summary>
    public static async Task<BffSession?> AuthenticateAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(BffSessionDefaults.Scheme);
        var session = context.Features.Get<BffSessionFeature>()?.Session;
        if (!result.Succeeded || session is null)
        {
            return null;
        }

        context.User = result.Principal;
        return session;
    }
}
