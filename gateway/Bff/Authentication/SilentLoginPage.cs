using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Bff.Http;
using Microsoft.AspNetCore.Http;

namespace Bff.Authentication;

/// <summary>
/// The page a silent login ends on, inside the SPA's hidden iframe: it tells its parent whether a session exists
/// now, with <c>postMessage</c> aimed at the public origin only, so no other page that frames it learns anything;
/// and <c>frame-ancestors</c> lets only that origin frame it.
/// </summary>
internal static class SilentLoginPage
{
    public const string MessageSource = "bff-silent-login";

    // Constant, so the policy allows it by its hash: no inline script but this one can run, and the page needs no
    // per-response nonce. What varies (the outcome, the origin) travels in data attributes.
    private const string Script =
        "(function(){var d=document.documentElement.dataset;" +
        "parent.postMessage({source:'" + MessageSource + "',isLoggedIn:d.loggedIn==='true'},d.origin);})();";

    private static readonly string ScriptHash =
        "'sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Script))) + "'";

    public static Task WriteAsync(HttpContext context, string? configuredOrigin, bool isLoggedIn)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            return Task.CompletedTask;
        }

        // Headers already set stay: the session cookie of a sign-in, the deletion of the correlation cookie.
        var origin = PublicOrigin.Of(context.Request, configuredOrigin);
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.ContentSecurityPolicy =
            "default-src 'none'; script-src " + ScriptHash + "; base-uri 'none'; form-action 'none'; frame-ancestors " + origin;
        var html = "<!doctype html><html data-origin=\"" + HtmlEncoder.Default.Encode(origin) + "\" data-logged-in=\""
            + (isLoggedIn ? "true" : "false") + "\"><head><meta charset=\"utf-8\"><title>Silent login</title></head><body><script>"
            + Script + "</script></body></html>";
        return response.WriteAsync(html, context.RequestAborted);
    }
}
