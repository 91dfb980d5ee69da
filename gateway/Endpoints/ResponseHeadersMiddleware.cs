using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Model;

namespace Bff.Endpoints;

/// <summary>
/// Sets the contract's response headers just before the response starts, so they win over whatever an
/// upstream or a handler set: authenticated data must never sit in a shared or browser cache.
/// </summary>
internal sealed class ResponseHeadersMiddleware(RequestDelegate next)
{
    private static readonly Func<object, Task> OnStarting = state =>
    {
        var context = (HttpContext)state;
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        if (IsSensitive(context))
        {
            headers.CacheControl = "no-store";
            headers.Pragma = "no-cache";
            headers.Remove(HeaderNames.Expires);
            headers["Referrer-Policy"] = "no-referrer";
        }

        return Task.CompletedTask;
    };

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(OnStarting, context);
        return next(context);
    }

    private static bool IsSensitive(HttpContext context)
    {
        var path = context.Request.Path;
        return path.StartsWithSegments("/bff")
            || path.StartsWithSegments("/signin-oidc")
            || path.StartsWithSegments("/signout-callback-oidc")
            || context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>() is not null;
    }
}
