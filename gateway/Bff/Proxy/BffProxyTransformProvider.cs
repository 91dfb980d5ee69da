using Bff.Antiforgery;
using Bff.Authentication;
using Bff.Configuration;
using Bff.Http;
using Bff.Routes;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Model;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Bff.Proxy;

/// <summary>
/// Header hygiene for every proxied route: the upstream sees the user's bearer token and nothing of the
/// browser's credentials, nor a method other than the one the gateway judged; the browser sees no upstream cookie
/// nor an upstream's <c>Bff-Session</c> header (the gateway's own mark of a session that ended), and a problem
/// document when there was no upstream response. A response that lasts (an upgrade, an event
/// stream) on the user's token is tracked, so that it ends with its session (<see cref="SessionStreams"/>).
/// </summary>
internal sealed class BffProxyTransformProvider(SessionStreams streams, RouteMetadataRules rules) : ITransformProvider
{
    // YARP validates every route here, at start-up and on each reload, before it applies any of them.
    public void ValidateRoute(TransformRouteValidationContext context)
    {
        foreach (var error in RouteMetadataValidator.Validate(context.Route, rules))
        {
            context.Errors.Add(new InvalidOperationException(error));
        }
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context)
    {
        context.AddRequestTransform(transform =>
        {
            RequestTransform.RemoveHeader(transform, "Cookie");
            RequestTransform.RemoveHeader(transform, "Authorization");
            RequestTransform.RemoveHeader(transform, CsrfMiddleware.HeaderName);
            RequestTransform.RemoveHeader(transform, "X-XSRF-TOKEN");

            // The gateway judged the request (CSRF, the antiforgery token) by its real method: an upstream
            // that honoured one of these would run a GET as the DELETE it names.
            RequestTransform.RemoveHeader(transform, "X-HTTP-Method-Override");
            RequestTransform.RemoveHeader(transform, "X-HTTP-Method");
            RequestTransform.RemoveHeader(transform, "X-Method-Override");

            if (transform.HttpContext.Features.Get<UpstreamToken>() is { } token)
            {
                // Without validation: the value is ours, and parsing it back into an AuthenticationHeaderValue
                // would only be formatted again on the way out.
                transform.ProxyRequest.Headers.TryAddWithoutValidation("Authorization", token.AuthorizationHeader);
            }

            return ValueTask.CompletedTask;
        });

        context.AddResponseTransform(transform =>
        {
            // No upstream response: YARP could not get one, set its status and error, and runs the response
            // transforms all the same, where the problem costs a successful call nothing.
            if (transform.ProxyResponse is null)
            {
                return new ValueTask(UpstreamFailure.WriteAsync(transform.HttpContext));
            }

            transform.HttpContext.Response.Headers.Remove("Set-Cookie");
            // The gateway's mark of a session that ended: an upstream that sent it would sign the SPA out.
            transform.HttpContext.Response.Headers.Remove(BffHeaders.SessionHeaderName);
            if (IsLasting(transform) && SessionOf(transform.HttpContext) is { } sessionId)
            {
                streams.Track(transform.HttpContext, sessionId);
            }

            return ValueTask.CompletedTask;
        });
    }

    // Read from what is already at hand on every response (the status, the method, the Content-Type copied as a
    // string), so the check costs ordinary responses next to nothing. An upgrade (a WebSocket over HTTP/1.1) is
    // answered 101 by the upstream; a WebSocket over HTTP/2 is an extended CONNECT. Other responses end by
    // themselves once their body is through.
    private static bool IsLasting(ResponseTransformContext transform) =>
        transform.ProxyResponse is { } response
        && (response.StatusCode == HttpStatusCode.SwitchingProtocols
            || (HttpMethods.IsConnect(transform.HttpContext.Request.Method) && response.IsSuccessStatusCode)
            || transform.HttpContext.Response.ContentType?.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase) == true);

    // Only what the user's token was sent with is the session's: a route without it is not revoked by logout.
    private static string? SessionOf(HttpContext context) =>
        context.Features.Get<UpstreamToken>() is not null
        && context.Features.Get<BffSessionFeature>() is { } feature
        && BffRouteMetadata.GetAccessTokenMode(context.GetReverseProxyFeature().Route.Config) is AccessTokenMode.User or AccessTokenMode.UserOptional or AccessTokenMode.UserOrClient
            ? feature.Session.Id
            : null;
}
