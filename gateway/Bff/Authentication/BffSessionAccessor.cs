using Bff.Configuration;
using Bff.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace Bff.Authentication;

/// <summary>The one way code reads the session of the current request.</summary>
internal static class BffSessionAccessor
{
    /// <summary>
    /// The request's session, or null when it has none (no cookie, a cookie that is not ours, a session that
    /// has ended). Authentication in front of the endpoints has usually found it already; otherwise (the OIDC
    /// callbacks, which it leaves to the framework) the session scheme is asked. A store outage throws.
    /// </summary>
    public static async ValueTask<BffSession?> GetBffSessionAsync(this HttpContext context)
    {
        if (context.Features.Get<BffSessionFeature>() is { } found)
        {
            return found.Session;
        }

        var result = await context.AuthenticateAsync(BffSessionDefaults.Scheme);
        if (!result.Succeeded || context.Features.Get<BffSessionFeature>() is not { } feature)
        {
            return null;
        }

        // Antiforgery embeds the user in its tokens, so issuing and checking them must see this session's user.
        context.User = result.Principal;
        return feature.Session;
    }

    /// <summary>
    /// The same for middleware in front of authentication (the CSRF check of an unsafe method): the session is
    /// read by <paramref name="authenticator"/> and recorded, so authentication finds it instead of reading it
    /// again, and no scheme handler is created for it through a request service scope.
    /// </summary>
    public static async ValueTask<BffSession?> GetBffSessionAsync(this HttpContext context, SessionAuthenticator authenticator)
    {
        if (context.Features.Get<BffSessionFeature>() is { } found)
        {
            return found.Session;
        }

        var result = await authenticator.AuthenticateOnceAsync(context);
        return result.Succeeded ? context.Features.Get<BffSessionFeature>()?.Session : null;
    }
}
