using Bff.Configuration;
using Bff.Frontends;
using Bff.Lifecycle;
using Bff.Telemetry;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bff.Authentication;

/// <summary>
/// The framework's authentication middleware, minus its cost on every other request: it creates and
/// initialises an <see cref="OpenIdConnectHandler"/> per request only to learn that the path is not the
/// callback, then a session handler (through a request service scope) to read the session. Here the OIDC
/// paths go through the framework's middleware unchanged, and every other request has its session read by
/// the <see cref="SessionAuthenticator"/> directly, with the outcome recorded the way the framework records
/// it. (No claims transformation runs on that path: the gateway registers none.) A callback that fails after
/// its sign-in made a session deletes that session, whose cookie never reached the browser.
/// </summary>
internal sealed partial class BffAuthenticationMiddleware
{
    private readonly RequestDelegate _next;
    private readonly AuthenticationMiddleware _framework;
    private readonly PathString[] _oidcPaths;
    private readonly PathString _callbackPath;
    private readonly SessionAuthenticator _authenticator;
    private readonly FrontendCatalog? _frontends;

    public BffAuthenticationMiddleware(
        RequestDelegate next, IAuthenticationSchemeProvider schemes, IOptionsMonitor<OpenIdConnectOptions> oidc, SessionAuthenticator authenticator,
        FrontendCatalog? frontends = null)
    {
        _next = next;
        _authenticator = authenticator;
        _frontends = frontends is { HasNamed: true } ? frontends : null;
        _framework = new AuthenticationMiddleware(next, schemes);

        // The only scheme that handles requests of its own. RemoteSignOutPath is off (see OidcOptionsSetup),
        // but should it be set, its path is honoured too.
        var options = oidc.Get(BffSessionDefaults.OidcScheme);
        _oidcPaths = new[] { options.CallbackPath, options.SignedOutCallbackPath, options.RemoteSignOutPath }
            .Where(path => path.HasValue)
            .ToArray();
        _callbackPath = options.CallbackPath;
    }

    public Task InvokeAsync(HttpContext context)
    {
        foreach (var path in _oidcPaths)
        {
            if (context.Request.Path.Equals(path, StringComparison.OrdinalIgnoreCase))
            {
                return path == _callbackPath ? CallbackAsync(context) : RemoteAsync(context);
            }
        }

        // Only what routing matched needs the session: a static file or a 404 is served without it, even
        // while the store is down. Whoever asks later still authenticates through the scheme.
        var endpoint = context.GetEndpoint();
        if (endpoint is null)
        {
            return _next(context);
        }

        // A session in the cache is read without awaiting anything: then no state machine is needed here.
        var pending = _authenticator.AuthenticateOnceAsync(context);
        if (pending.IsCompletedSuccessfully)
        {
            return pending.Result.Succeeded || !RequiresSession(endpoint) ? _next(context) : ChallengeAsync(context);
        }

        return AwaitedAsync(context, pending);
    }

    private async Task CallbackAsync(HttpContext context)
    {
        try
        {
            await RemoteAsync(context);
        }
        catch when (context.Features.Get<BffSessionFeature>() is not null)
        {
            // The sign-in made a session, but the error response replaces the one that carried its cookie: no
            // browser can ever use it, so it ends here rather than keep a live grant until its deadlines.
            // Not the request's token: a browser that hung up must not leave the session behind either.
            var id = context.Features.Get<BffSessionFeature>()!.Session.Id;
            var services = context.RequestServices;
            await services.GetRequiredService<SessionTerminator>().EndAsync(id, "login_failed", RevocationTiming.Background);
            LogCallbackSessionDeleted(services.GetRequiredService<ILogger<BffAuthenticationMiddleware>>(), id);
            throw;
        }
    }

    // Every frontend's scheme answers on the same callback paths (under its path base): only the request's
    // frontend's may, since another would find state it did not protect. Without named frontends, the framework.
    private Task RemoteAsync(HttpContext context) =>
        _frontends?.Of(context) is { } frontend ? FrontendRemoteAsync(context, frontend.OidcScheme) : _framework.Invoke(context);

    private async Task FrontendRemoteAsync(HttpContext context, string scheme)
    {
        var handlers = context.RequestServices.GetRequiredService<IAuthenticationHandlerProvider>();
        if (await handlers.GetHandlerAsync(context, scheme) is IAuthenticationRequestHandler handler && await handler.HandleRequestAsync())
        {
            return;
        }

        await _next(context);
    }

    private async Task AwaitedAsync(HttpContext context, ValueTask<AuthenticateResult> pending)
    {
        var result = await pending;
        await (result.Succeeded || !RequiresSession(context.GetEndpoint()) ? _next(context) : ChallengeAsync(context));
    }

    // A host's own endpoint marked AsBffLocalApi() needs the session: without one it gets the gateway's 401
    // problem, as a proxied User route does. Decided here, where the result is at hand, rather than by a
    // middleware of its own that every request would pass through.
    private static bool RequiresSession(Endpoint? endpoint) => endpoint?.Metadata.GetMetadata<BffSessionRequired>() is not null;

    private static Task ChallengeAsync(HttpContext context) => context.ChallengeAsync(BffSessionDefaults.Scheme);

    [LoggerMessage(EventId = BffEventIds.LoginCallbackSessionDeleted, Level = LogLevel.Warning, Message = "Login callback failed after session {SessionId} was created; the session was deleted")]
    private static partial void LogCallbackSessionDeleted(ILogger logger, string sessionId);
}
