using Bff.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Bff.Frontends;

/// <summary>The one way code reads the frontend of the current request.</summary>
internal static class BffFrontendAccessor
{
    /// <summary>
    /// The request's frontend, or null when no frontend serves it (only possible with named frontends and no
    /// top-level <c>ClientId</c>; such a request is answered 404 before any gateway code runs). Resolved once per
    /// request (<see cref="FrontendCatalog.Resolve"/>) and kept in its features. Null too in a host without the
    /// gateway's services, where the top-level client is the only one.
    /// </summary>
    public static BffFrontend? GetBffFrontend(this HttpContext context) =>
        context.Features.Get<BffFrontend>() ?? context.RequestServices?.GetService<FrontendCatalog>()?.Of(context);

    /// <summary>The client (OIDC client, cookie, session settings) of the request's frontend; the top-level one without frontends.</summary>
    public static BffClientOptions GetBffClient(this HttpContext context, BffOptions options) =>
        context.GetBffFrontend()?.Client ?? options;

    /// <summary>
    /// The request's frontend, for middleware that holds the catalog: it runs on every request, and asking the
    /// request's services for the catalog would create a service scope (and dispose it at the end) for that one lookup.
    /// </summary>
    public static BffFrontend? GetBffFrontend(this HttpContext context, FrontendCatalog catalog) => catalog.Of(context);

    /// <summary>The client of the request's frontend, found through the catalog (see the overload above).</summary>
    public static BffClientOptions GetBffClient(this HttpContext context, BffOptions options, FrontendCatalog catalog) =>
        context.GetBffFrontend(catalog)?.Client ?? options;
}
