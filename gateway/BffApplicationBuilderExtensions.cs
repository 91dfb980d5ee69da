using Bff.Antiforgery;
using Bff.Diagnostics;
using Bff.Endpoints;
using Bff.Proxy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;

namespace Bff;

/// <summary>The gateway's middleware and endpoints.</summary>
public static class BffApplicationBuilderExtensions
{
    /// <summary>
    /// Error handling, response headers, static files of the SPA, routing, request hygiene, the CSRF checks
    /// and authentication, in that order.
    /// </summary>
    public static WebApplication UseBff(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseMiddleware<ResponseHeadersMiddleware>();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseRouting();
        app.UseMiddleware<RequestHygieneMiddleware>();
        app.UseMiddleware<CsrfMiddleware>();

        // Here rather than where the framework would add it by itself (first, outside the exception
        // handler): it also completes the OIDC callback, and its errors must become problem+json.
        app.UseAuthentication();
        return app;
    }

    /// <summary>Maps <c>/bff/*</c>, the health endpoints and the proxied routes.</summary>
    public static IEndpointRouteBuilder MapBff(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);

        // Top-level navigations: no CSRF header can be expected on them.
        endpoints.MapGet("/bff/login", LoginEndpoint.HandleAsync).ExemptFromCsrf();

        var api = endpoints.MapGroup("/bff").RequireCsrf();
        api.MapGet("/user", UserEndpoint.HandleAsync);
        api.MapGet("/csrf", CsrfEndpoint.HandleAsync);

        endpoints.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponseWriter.WriteAsync });
        endpoints.MapBffTelemetry();
        endpoints.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = HealthResponseWriter.WriteAsync });

        endpoints.MapReverseProxy(proxy =>
        {
            proxy.UseMiddleware<BffProxyMiddleware>();
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });

        return endpoints;
    }
}
