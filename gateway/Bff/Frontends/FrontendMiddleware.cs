using Bff.Problems;
using Bff.Routes;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Model;

namespace Bff.Frontends;

/// <summary>
/// Matches each request to its frontend (present only when named frontends are configured). A request that no
/// frontend serves is 404, except the probes, which answer on any host (they are called by the pod address). The
/// gateway's own endpoints under a frontend's <c>PathBase</c> see it moved from the path to the path base, so
/// that the callbacks, redirect URIs and links they build carry it. A proxied route limited to other frontends
/// (<c>Bff.Frontends</c>) is 404.
/// </summary>
internal sealed class FrontendMiddleware(RequestDelegate next, FrontendCatalog catalog)
{
    private static readonly PathString[] Probes = ["/healthz", "/readyz", "/metrics"];

    public Task InvokeAsync(HttpContext context)
    {
        var frontend = catalog.Of(context);
        var request = context.Request;
        var endpoint = context.GetEndpoint();
        var mappedUnder = endpoint?.Metadata.GetMetadata<FrontendPathBase>();
        if (frontend is null || (mappedUnder is not null && mappedUnder.Value != frontend.PathBase) || !MayCall(frontend, endpoint))
        {
            return frontend is null && IsProbe(request.Path)
                ? next(context)
                : BffProblem.WriteAsync(context, StatusCodes.Status404NotFound, BffProblem.NotFound, "Not found.");
        }

        if (mappedUnder is not null && request.Path.StartsWithSegments(frontend.PathBase, StringComparison.OrdinalIgnoreCase, out var rest))
        {
            request.PathBase = request.PathBase.Add(frontend.PathBase);
            request.Path = rest;
        }

        return next(context);
    }

    // A proxied route limited to some frontends (Bff.Frontends) does not exist for the others: 404 before the
    // CSRF checks or the session are looked at, and nothing reaches the upstream.
    private static bool MayCall(BffFrontend frontend, Endpoint? endpoint) =>
        endpoint?.Metadata.GetMetadata<RouteModel>() is not { } route
        || BffRouteMetadata.GetFrontends(route.Config) is not { } allowed
        || allowed.Contains(frontend.Name, StringComparer.Ordinal);

    private static bool IsProbe(PathString path)
    {
        foreach (var probe in Probes)
        {
            if (path.Equals(probe, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
