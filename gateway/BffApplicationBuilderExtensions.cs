using Bff.Antiforgery;
using Bff.Diagnostics;
using Bff.Endpoints;
using Bff.Proxy;
using Bff.Sessions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;

namespace Bff;

/// <summary>The gateway's middleware and endpoints.</summary>
public static class BffApplicationBuilderExtensions
{
    private const string AuthenticationMiddlewareSetKey = "__AuthenticationMiddlewareSet";

    // Endpoint routing tries lower orders first, before it compares patterns.
    private const int OwnEndpointOrder = int.MinValue;

    /// <summary>
    /// Forwarded headers (from configured proxies only), error handling, response headers, static files of
    /// the SPA, routing, request hygiene, the CSRF checks and authentication, in that order.
    /// </summary>
    public static WebApplication UseBff(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        // First, so everything after sees the client's address; only when proxies are configured, because
        // the middleware with no known proxies would believe every client.
        if (HasTrustedProxies(app.Configuration))
        {
            app.UseForwardedHeaders();
        }

        // The framework's exception handler, in a pipeline of its own behind the boundary, which spares the
        // proxied steady state its await.
        var errors = ((IApplicationBuilder)app).New();
        errors.UseExceptionHandler();
        errors.Run(BffErrorBoundary.Rethrow);
        var handler = errors.Build();
        app.Use(next => new BffErrorBoundary(next, handler).InvokeAsync);
        app.UseMiddleware<ResponseHeadersMiddleware>();
        app.UseRouting();

        // After routing, so a request that matched an endpoint (every API call) skips the file lookups.
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions
        {
            // Revalidate every time, so a browser never runs an old bff-client.js after a deploy.
            OnPrepareResponse = file => file.Context.Response.Headers.CacheControl = "no-cache",
        });
        app.UseMiddleware<RequestHygieneMiddleware>();
        app.UseMiddleware<CsrfMiddleware>();

        // Here rather than where the framework would add its own (first, outside the exception handler and
        // ahead of the forwarded headers): it also completes the OIDC callback, whose errors must become
        // problem+json and whose session must record the client's address, not the proxy's.
        app.UseMiddleware<BffAuthenticationMiddleware>();
        // The key UseAuthentication() sets; without it WebApplication adds the framework's middleware again.
        ((IApplicationBuilder)app).Properties[AuthenticationMiddlewareSetKey] = true;
        return app;
    }

    /// <summary>Maps <c>/bff/*</c>, the OIDC callbacks, the health endpoints and the proxied routes.</summary>
    public static IEndpointRouteBuilder MapBff(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);

        // The gateway's own endpoints come before every proxied route, whatever its pattern and Order: a
        // catch-all route (a proxied SPA) must not take the callbacks, the /bff endpoints or the probes.
        var own = endpoints.MapGroup("").WithOrder(OwnEndpointOrder);

        // Top-level navigations: no CSRF header can be expected on them.
        own.MapGet("/bff/login", LoginEndpoint.HandleAsync).ExemptFromCsrf();

        // The OIDC handler answers these before any endpoint runs (BffAuthenticationMiddleware). They are
        // mapped so that routing finds them here, never on a proxied route whose CSRF checks and limits
        // they would get; the endpoint itself answers only a path the handler declined.
        own.Map(OidcOptionsSetup.CallbackPath, NotFoundAsync).ExemptFromCsrf();
        own.Map(OidcOptionsSetup.SignedOutCallbackPath, NotFoundAsync).ExemptFromCsrf();

        own.MapGet("/bff/logout", LogoutEndpoint.GetAsync).ExemptFromCsrf();

        // Server to server from the IdP: it sends neither a CSRF header nor an Origin of the app's.
        own.MapPost("/bff/backchannel-logout", BackchannelLogoutEndpoint.HandleAsync).ExemptFromCsrf();

        var api = own.MapGroup("/bff").RequireCsrf();
        api.MapGet("/user", UserEndpoint.HandleAsync);
        api.MapGet("/csrf", CsrfEndpoint.HandleAsync);
        api.MapPost("/logout", LogoutEndpoint.PostAsync);
        api.MapGet("/sessions", SessionsEndpoints.ListAsync);
        api.MapDelete("/sessions/{id}", SessionsEndpoints.DeleteAsync);
        api.MapPost("/sessions/revoke-others", SessionsEndpoints.RevokeOthersAsync);

        own.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponseWriter.WriteAsync });
        own.MapBffTelemetry();
        own.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = HealthResponseWriter.WriteAsync });

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
            if (builder is RouteEndpointBuilder { Order: OwnEndpointOrder } route)
            {
                route.Order = OwnEndpointOrder + 1;
            }
        });

        return endpoints;
    }

    private static Task NotFoundAsync(HttpContext context) =>
        BffProblem.WriteAsync(context, StatusCodes.Status404NotFound, BffProblem.NotFound, "Not found.");

    private static bool HasTrustedProxies(IConfiguration configuration)
    {
        var section = configuration.GetSection("Bff:ForwardedHeaders");
        return section.GetSection("KnownProxies").GetChildren().Any() || section.GetSection("KnownNetworks").GetChildren().Any();
    }
}
