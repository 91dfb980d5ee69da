using Bff.Antiforgery;
using Bff.Routes;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Bff.Proxy;

/// <summary>
/// Header hygiene for every proxied route: the upstream sees the user's bearer token and nothing of the
/// browser's credentials, nor a method other than the one the gateway judged; the browser sees no upstream cookie,
/// and a problem document when there was no upstream response.
/// </summary>
internal sealed class BffProxyTransformProvider : ITransformProvider
{
    public void ValidateRoute(TransformRouteValidationContext context)
    {
        foreach (var error in BffRouteMetadata.Validate(context.Route))
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
            return ValueTask.CompletedTask;
        });
    }
}
