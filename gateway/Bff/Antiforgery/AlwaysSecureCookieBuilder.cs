using Microsoft.AspNetCore.Http;

namespace Bff.Antiforgery;

/// <summary>
/// Marks the antiforgery cookie Secure whatever the request's scheme, as the session cookie is. The
/// gateway usually sits behind a proxy that terminates TLS and so sees http, where antiforgery's own
/// <c>SecurePolicy = Always</c> refuses to work at all.
/// </summary>
internal class AlwaysSecureCookieBuilder : CookieBuilder
{
    public override CookieOptions Build(HttpContext context, DateTimeOffset expiresFrom)
    {
        var options = base.Build(context, expiresFrom);
        options.Secure = true;
        return options;
    }
}
