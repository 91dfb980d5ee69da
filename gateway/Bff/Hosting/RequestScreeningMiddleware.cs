using Bff.Configuration;
using Bff.Frontends;
using Bff.Http;
using Bff.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Model;

namespace Bff.Hosting;

/// <summary>
/// What the gateway refuses or drops before any endpoint sees a request:
/// <list type="bullet">
/// <item><description>TRACE and TRACK (405): they echo the request, cookies included, back to the caller;</description></item>
/// <item><description>CONNECT (405): a gateway is no tunnel, and the forwarder would pass it on as a request
/// of its own. An extended CONNECT (RFC 8441, a WebSocket over HTTP/2) is no tunnel and passes;</description></item>
/// <item><description>client-sent forwarding headers (<c>X-Forwarded-*</c>, <c>Forwarded</c>, <c>X-Real-IP</c>,
/// <c>X-Original-*</c>, ...): nothing vouches for them, and an upstream must not take a browser's word for
/// its IP address or the URL it asked for. The proxy sets X-Forwarded-* itself;</description></item>
/// <item><description>a body whose declared length is over the limit (413), before the upstream receives
/// a byte of it. A chunked body over the limit fails while the proxy reads it, and
/// <see cref="Proxy.BffProxyMiddleware"/> turns YARP's bare status into a problem;</description></item>
/// <item><description>the session or antiforgery cookie sent twice (400). A browser never does (one name,
/// one path, no domain), and which copy the cookie parser keeps is not something security should hang on:
/// a copy planted by a sibling subdomain (possible when the cookie name lacks the <c>__Host-</c> prefix)
/// must not be able to win. Names are compared in any case; cookies are separated by <c>;</c> only, so
/// <c>t=x,__Host-bff=v</c> is a cookie named <c>t</c> and no copy of the session cookie.</description></item>
/// </list>
/// </summary>
internal sealed class RequestScreeningMiddleware(RequestDelegate next, IOptions<BffOptions> options, FrontendCatalog frontends)
{
    internal const string AllowedMethods = "GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE";

    private static readonly string[] UntrustedPrefixes = ["X-Forwarded-", "X-Original-"];

    private static readonly HashSet<string> UntrustedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Forwarded", "X-Real-IP", "X-Client-IP", "True-Client-IP", "X-Cluster-Client-IP", "X-Rewrite-URL",
    };

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (IsRefusedMethod(context))
        {
            context.Response.OnStarting(static state => SetAllow((HttpResponse)state), context.Response);
            return BffProblem.WriteAsync(context, StatusCodes.Status405MethodNotAllowed, BffProblem.BadRequest,
                $"{request.Method} is not allowed.");
        }

        RemoveUntrustedHeaders(request.Headers);

        if (DuplicatedCookie(context) is { } cookie)
        {
            return BffProblem.WriteAsync(context, StatusCodes.Status400BadRequest, BffProblem.BadRequest,
                $"The {cookie} cookie was sent more than once.");
        }

        if (request.ContentLength is { } length && length > MaxBodySizeOf(context))
        {
            return BffProblem.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, BffProblem.BadRequest,
                "The request body is too large.");
        }

        return next(context);
    }

    private static bool IsRefusedMethod(HttpContext context)
    {
        var method = context.Request.Method;
        return HttpMethods.IsTrace(method)
            || string.Equals(method, "TRACK", StringComparison.OrdinalIgnoreCase)
            || (HttpMethods.IsConnect(method) && context.Features.Get<IHttpExtendedConnectFeature>() is not { IsExtendedConnect: true });
    }

    private string? DuplicatedCookie(HttpContext context)
    {
        var sessionCookie = options.Value.Cookie.Name;
        // The one antiforgery will read: the request's frontend's.
        var antiforgeryCookie = context.GetBffClient(options.Value, frontends).AntiforgeryCookieName;
        var (sessions, antiforgery) = CookieHeader.Count(context.Request.Headers.Cookie, sessionCookie, antiforgeryCookie);
        return sessions > 1 ? sessionCookie : antiforgery > 1 ? antiforgeryCookie : null;
    }

    private static Task SetAllow(HttpResponse response)
    {
        response.Headers.Allow = AllowedMethods;
        return Task.CompletedTask;
    }

    private static void RemoveUntrustedHeaders(IHeaderDictionary headers)
    {
        List<string>? untrusted = null;
        using var pairs = HeaderPairs.Of(headers);
        foreach (var (name, _) in pairs.Pairs)
        {
            if (UntrustedHeaders.Contains(name)
                || name.StartsWith(UntrustedPrefixes[0], StringComparison.OrdinalIgnoreCase)
                || name.StartsWith(UntrustedPrefixes[1], StringComparison.OrdinalIgnoreCase))
            {
                (untrusted ??= []).Add(name);
            }
        }

        if (untrusted is not null)
        {
            foreach (var name in untrusted)
            {
                headers.Remove(name);
            }
        }
    }

    /// <summary>The server's limit, or the proxied route's own <c>MaxRequestBodySize</c> (-1 = none), as YARP applies it.</summary>
    private static long MaxBodySizeOf(HttpContext context)
    {
        var routeLimit = context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>()?.Config.MaxRequestBodySize;
        if (routeLimit is { } limit)
        {
            return limit < 0 ? long.MaxValue : limit;
        }

        return context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? long.MaxValue;
    }
}
