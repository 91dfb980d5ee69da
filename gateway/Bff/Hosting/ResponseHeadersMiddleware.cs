using Bff.Http;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Model;

namespace Bff.Hosting;

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
        RemoveCorsAndServerHeaders(headers);
        if (GatewayRequestMatcher.IsGatewayRequest(context))
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

    // No origin is ever granted CORS, whatever an upstream answers; and the Server header of an upstream
    // would name its software just as Kestrel's own would.
    private static void RemoveCorsAndServerHeaders(IHeaderDictionary headers)
    {
        List<string>? names = null;
        using var pairs = HeaderPairs.Of(headers);
        foreach (var (name, _) in pairs.Pairs)
        {
            if (name.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase))
            {
                (names ??= []).Add(name);
            }
        }

        if (names is not null)
        {
            foreach (var name in names)
            {
                headers.Remove(name);
            }
        }

        headers.Remove(HeaderNames.Server);
        headers.Remove("X-Powered-By");
    }
}
