using Bff.Authentication;
using Bff.Configuration;
using Bff.Frontends;
using Bff.Http;
using Bff.Idp;
using Bff.Lifecycle;
using Bff.Problems;
using Bff.Telemetry;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bff.Endpoints;

/// <summary>
/// <c>GET /bff/logout?sid=</c> (a top-level navigation) and <c>POST /bff/logout</c> (an XHR): end the current
/// session in the store, revoke its refresh token, make the browser forget the gateway's cookies and the
/// site's storage, then send it to the IdP's end-session endpoint (RP-initiated logout) with
/// <c>client_id</c> and <c>post_logout_redirect_uri</c> only: the ID token never reaches the browser, so
/// there is no <c>id_token_hint</c>.
/// </summary>
internal static partial class LogoutEndpoint
{
    /// <summary>
    /// The GET carries no CSRF header (a link or a navigation), so it must prove it comes from the app by the
    /// session's own handle; anything else, a missing session included, changes nothing and is a 400.
    /// </summary>
    public static async Task GetAsync(
        HttpContext context,
        SessionTerminator revoker,
        LogoutBrowserCleanup browser,
        IdpMetadata idp,
        IOptions<BffOptions> options,
        ILoggerFactory loggerFactory)
    {
        var logger = loggerFactory.CreateLogger("Bff.Endpoints.Logout");
        var sid = context.Request.Query["sid"];
        var session = await context.GetBffSessionAsync();
        if (session is null || sid.Count != 1 || !string.Equals(sid[0], session.Id, StringComparison.Ordinal))
        {
            LogRefused(logger, session is null ? "no_session" : "sid_mismatch");
            await BffProblem.WriteAsync(context, StatusCodes.Status400BadRequest, BffProblem.BadRequest,
                "Log out with the logoutUrl of /bff/user: it names the current session.");
            return;
        }

        await revoker.EndAsync(session.Id, "logout", RevocationTiming.Now);
        browser.Apply(context);
        context.Response.Redirect(await EndSessionUrlAsync(context, idp, options.Value, logger));
    }

    /// <summary>
    /// The POST is CSRF-protected, so it needs no <c>sid</c>. Without a session it still clears the browser
    /// and answers the end-session URL: a SPA whose session already ended can still end the IdP's.
    /// </summary>
    public static async Task PostAsync(
        HttpContext context,
        SessionTerminator revoker,
        LogoutBrowserCleanup browser,
        IdpMetadata idp,
        IOptions<BffOptions> options,
        ILoggerFactory loggerFactory)
    {
        var logger = loggerFactory.CreateLogger("Bff.Endpoints.Logout");
        if (await context.GetBffSessionAsync() is { } session)
        {
            await revoker.EndAsync(session.Id, "logout", RevocationTiming.Now);
        }

        browser.Apply(context);
        var body = new LogoutResponse(await EndSessionUrlAsync(context, idp, options.Value, logger));
        await context.Response.WriteAsJsonAsync(body, LifecycleJsonContext.Default.LogoutResponse, cancellationToken: context.RequestAborted);
    }

    /// <summary>The IdP's end-session URL; <c>/</c> when it has none or discovery cannot be read (the local logout has happened either way).</summary>
    internal static async Task<string> EndSessionUrlAsync(HttpContext context, IdpMetadata idp, BffOptions options, ILogger logger)
    {
        Uri? endpoint;
        try
        {
            endpoint = (await idp.GetAsync(context.RequestAborted)).EndSessionEndpoint;
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            LogEndSessionUnknown(logger, ex.GetType().Name);
            return "/";
        }

        if (endpoint is null)
        {
            return "/";
        }

        var frontend = context.GetBffFrontend();
        return QueryHelpers.AddQueryString(endpoint.ToString(), new Dictionary<string, string?>
        {
            ["client_id"] = (frontend?.Client ?? options).ClientId,
            ["post_logout_redirect_uri"] = PublicOrigin.UrlOf(context.Request, frontend is null ? options.PublicOrigin : frontend.Origin, OidcOptionsSetup.SignedOutCallbackPath),
        });
    }

    [LoggerMessage(EventId = BffEventIds.LogoutRefused, Level = LogLevel.Information, Message = "Logout refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = BffEventIds.EndSessionEndpointUnknown, Level = LogLevel.Warning, Message = "The IdP's end-session endpoint is unknown ({Reason}); the browser goes back to / after the local logout")]
    private static partial void LogEndSessionUnknown(ILogger logger, string reason);
}
