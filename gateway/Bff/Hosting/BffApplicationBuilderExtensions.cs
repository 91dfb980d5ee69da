using Bff.Antiforgery;
using Bff.Authentication;
using Bff.Configuration;
using Bff.Endpoints;
using Bff.Frontends;
using Bff.Http;
using Bff.Problems;
using Bff.Proxy;
using Bff.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bff.Hosting;

/// <summary>The gateway's middleware and endpoints.</summary>
public static class BffApplicationBuilderExtensions
{
    private const string AuthenticationMiddlewareSetKey = "__AuthenticationMiddlewareSet";

    /// <summary>
    /// The order of the gateway's own endpoints: endpoint routing tries lower orders first, before it compares
    /// patterns, so no proxied route (a catch-all serving the SPA, say) can take them. A host that maps probes of
    /// its own beside proxied routes gives them this order too; a proxied route is never given it.
    /// </summary>
    public const int GatewayEndpointOrder = int.MinValue;

    /// <summary>Set by <see cref="BffHostDefaults.UseBffHostDefaults"/>, whose error boundary already covers the gateway.</summary>
    internal const string HostErrorBoundaryKey = "Bff.HostErrorBoundary";

    /// <summary>
    /// The gateway's own middleware, after routing (which the host adds, or the framework adds first): an
    /// error boundary for the gateway's requests, forwarded headers from <c>Bff:ForwardedHeaders</c> (when
    /// set), the contract's response headers, request screening, the CSRF checks, and authentication of the
    /// session (which also completes the OIDC callbacks), authorization (the routes' policies), then the rate
    /// limits of <c>Bff:RateLimit</c> when one is configured. It takes over neither routing, static files nor the
    /// host's exception handler: a failure of a host endpoint still reaches the host's handler.
    /// </summary>
    /// <param name="app">The host's application builder.</param>
    public static IApplicationBuilder UseBff(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.ApplicationServices.GetRequiredService<IOptions<BffOptions>>().Value;

        if (!app.Properties.ContainsKey(HostErrorBoundaryKey))
        {
            var handler = app.ApplicationServices.GetRequiredService<BffExceptionHandler>();
            app.Use(next => new BffErrorBoundary(next, handler.HandleGatewayFailureAsync).InvokeAsync);
        }

        // Before screening, which drops every forwarding header; only when proxies are configured, because
        // the middleware with no known proxies would believe every client.
        if (options.ForwardedHeaders.IsEnabled)
        {
            app.UseForwardedHeaders();
        }

        app.UseMiddleware<ResponseHeadersMiddleware>();

        // Only with named frontends: without them every request is the default frontend's, at no cost.
        if (app.ApplicationServices.GetRequiredService<FrontendCatalog>().HasNamed)
        {
            app.UseMiddleware<FrontendMiddleware>();
        }

        app.UseMiddleware<RequestScreeningMiddleware>();
        app.UseMiddleware<CsrfMiddleware>();

        // The gateway's replacement for the framework's authentication middleware (see its remarks); the
        // key UseAuthentication() sets keeps WebApplication from adding the framework's one as well.
        app.UseMiddleware<BffAuthenticationMiddleware>();
        app.Properties[AuthenticationMiddlewareSetKey] = true;

        // The policies of proxied routes (their AuthorizationPolicy) and of the host's own endpoints, judged on
        // the session just read and before anything is forwarded. Added here, it also keeps WebApplication from
        // adding the framework's one at the front of the pipeline, where no session has been read yet.
        app.UseAuthorization();

        // After the CSRF checks, the session and authorization, so only requests that passed them count; absent when no limit
        // is configured, so the default costs requests nothing.
        if (options.RateLimit.IsEnabled)
        {
            app.UseMiddleware<RateLimitMiddleware>();
        }

        return app;
    }

    /// <summary>
    /// Maps <c>/bff/*</c>, the OIDC callbacks, <c>/bff-client.js</c> (and its <c>.d.ts</c>) and, when the proxy was added, the proxied
    /// routes. The gateway's endpoints come before every proxied route, whatever its pattern and order.
    /// </summary>
    /// <param name="endpoints">The host's endpoint route builder.</param>
    public static IEndpointRouteBuilder MapBffEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);

        // Anonymous to authorization: each endpoint decides what a missing session means, and a host's fallback
        // policy (its choice for its own endpoints) must not lock the browser out of /bff/login.
        MapOwn(endpoints.MapGroup("").WithOrder(GatewayEndpointOrder).AllowAnonymous());

        // A frontend's endpoints and callbacks under its PathBase: the same endpoints, reachable only by that
        // frontend (FrontendMiddleware).
        var catalog = endpoints.ServiceProvider.GetRequiredService<FrontendCatalog>();
        foreach (var pathBase in catalog.All.Select(f => f.PathBase).Where(p => p.HasValue).Distinct())
        {
            MapOwn(endpoints.MapGroup(pathBase.Value!).WithOrder(GatewayEndpointOrder).AllowAnonymous().WithMetadata(new FrontendPathBase(pathBase)));
        }

        if (endpoints.ServiceProvider.GetService<BffProxyMarker>() is not null)
        {
            endpoints.MapReverseProxy(proxy =>
            {
                proxy.UseMiddleware<BffProxyMiddleware>();
                proxy.UseSessionAffinity();
                proxy.UseLoadBalancing();
                proxy.UsePassiveHealthChecks();
            })
            // A route's Order can be as low as the gateway's; one step up keeps the gateway's strictly first.
            .Add(builder =>
            {
                if (builder is RouteEndpointBuilder { Order: GatewayEndpointOrder } route)
                {
                    route.Order = GatewayEndpointOrder + 1;
                }
            });
        }

        return endpoints;
    }

    private static void MapOwn(RouteGroupBuilder own)
    {
        // Navigations (top-level, or the silent login's iframe): no CSRF header can be expected on them.
        own.MapGet("/bff/login", LoginEndpoint.HandleAsync).ExemptFromCsrf().LimitedAsLoginStart();
        own.MapGet(SilentLoginEndpoint.Path, SilentLoginEndpoint.HandleAsync).ExemptFromCsrf().LimitedAsLoginStart();
        own.MapGet("/bff/logout", LogoutEndpoint.GetAsync).ExemptFromCsrf();

        // The OIDC handler answers these before any endpoint runs (BffAuthenticationMiddleware). They are
        // mapped so that routing finds them here, never on a proxied route whose CSRF checks they would get;
        // the endpoint itself answers only a request the handler declined.
        own.Map(OidcOptionsSetup.CallbackPath, NotFoundAsync).ExemptFromCsrf();
        own.Map(OidcOptionsSetup.SignedOutCallbackPath, NotFoundAsync).ExemptFromCsrf();

        // Server to server from the IdP: it sends neither a CSRF header nor an Origin of the app's.
        own.MapPost("/bff/backchannel-logout", BackchannelLogoutEndpoint.HandleAsync).ExemptFromCsrf();

        var api = own.MapGroup("/bff").RequireCsrf();
        api.MapGet("/user", UserEndpoint.HandleAsync).WithMetadata(SlideOptOut.Instance);
        api.MapGet("/csrf", CsrfEndpoint.HandleAsync);
        api.MapPost("/logout", LogoutEndpoint.PostAsync).ExemptFromRateLimits();
        api.MapGet("/sessions", SessionsEndpoints.ListAsync);
        api.MapDelete("/sessions/{id}", SessionsEndpoints.DeleteAsync);
        api.MapPost("/sessions/revoke-others", SessionsEndpoints.RevokeOthersAsync);

        own.MapGet(ClientScriptEndpoint.Path, ClientScriptEndpoint.Handle);
        own.MapGet(ClientScriptEndpoint.DeclarationsPath, ClientScriptEndpoint.HandleDeclarations);
    }

    private static Task NotFoundAsync(HttpContext context) =>
        BffProblem.WriteAsync(context, StatusCodes.Status404NotFound, BffProblem.NotFound, "Not found.");
}
