using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.Extensions.Options;

namespace Bff.Sessions;

/// <summary>
/// The framework's authentication middleware, minus its cost on every other request: it creates and
/// initialises an <see cref="OpenIdConnectHandler"/> per request only to learn that the path is not the
/// callback. Here the OIDC paths go through the framework's middleware unchanged, and every other request
/// only reads the session (the default scheme), as the framework would after its handlers passed.
/// </summary>
internal sealed class BffAuthenticationMiddleware
{
    private readonly RequestDelegate _next;
    private readonly AuthenticationMiddleware _framework;
    private readonly PathString[] _oidcPaths;

    public BffAuthenticationMiddleware(RequestDelegate next, IAuthenticationSchemeProvider schemes, IOptionsMonitor<OpenIdConnectOptions> oidc)
    {
        _next = next;
        _framework = new AuthenticationMiddleware(next, schemes);

        // The only scheme that handles requests of its own. RemoteSignOutPath is off (see OidcOptionsSetup),
        // but should it be set, its path is honoured too.
        var options = oidc.Get(BffSessionDefaults.OidcScheme);
        _oidcPaths = new[] { options.CallbackPath, options.SignedOutCallbackPath, options.RemoteSignOutPath }
            .Where(path => path.HasValue)
            .ToArray();
    }

    public Task InvokeAsync(HttpContext context)
    {
        foreach (var path in _oidcPaths)
        {
            if (context.Request.Path.Equals(path, StringComparison.OrdinalIgnoreCase))
            {
                return _framework.Invoke(context);
            }
        }

        return AuthenticateAsync(context);
    }

    private async Task AuthenticateAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(BffSessionDefaults.Scheme);
        if (result.Principal is not null)
        {
            context.User = result.Principal;
        }

        if (result.Succeeded)
        {
            // What the framework leaves for authorization, so it does not authenticate a second time.
            var feature = new AuthenticationResultFeature(result);
            context.Features.Set<IHttpAuthenticationFeature>(feature);
            context.Features.Set<IAuthenticateResultFeature>(feature);
        }

        await _next(context);
    }
}
