using Bff.Diagnostics;
using Bff.Proxy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Model;

namespace Bff.Antiforgery;

/// <summary>
/// Refuses a request to a protected endpoint (a /bff JSON API or a proxied route) that lacks
/// <c>X-CSRF: 1</c>. A cross-site form or image cannot set a custom header, and a cross-site fetch
/// that sets one needs a CORS preflight this gateway never grants.
/// </summary>
internal sealed partial class CsrfMiddleware(RequestDelegate next, BffMetrics metrics, ILogger<CsrfMiddleware> logger)
{
    public const string HeaderName = "X-CSRF";

    public Task InvokeAsync(HttpContext context)
    {
        if (!IsProtected(context.GetEndpoint()) || HasCsrfHeader(context.Request))
        {
            return next(context);
        }

        metrics.CsrfRejected("missing_header");
        LogRejected(logger, context.Request.Method, context.Request.Path.Value ?? "");
        return BffProblem.WriteAsync(context, StatusCodes.Status403Forbidden, BffProblem.Csrf,
            "The X-CSRF: 1 header is required.");
    }

    internal static bool IsProtected(Endpoint? endpoint)
    {
        if (endpoint is null)
        {
            return false;
        }

        if (endpoint.Metadata.GetMetadata<CsrfProtected>() is not null)
        {
            return true;
        }

        var route = endpoint.Metadata.GetMetadata<RouteModel>();
        return route is not null && BffRouteMetadata.RequiresAntiforgery(route.Config);
    }

    internal static bool HasCsrfHeader(HttpRequest request) =>
        request.Headers.TryGetValue(HeaderName, out var values) && values.Count == 1 && values[0] == "1";

    [LoggerMessage(EventId = 1401, Level = LogLevel.Information, Message = "CSRF check refused {Method} {Path}")]
    private static partial void LogRejected(ILogger logger, string method, string path);
}
