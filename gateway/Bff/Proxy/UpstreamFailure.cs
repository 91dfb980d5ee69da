using Bff.Problems;
using Bff.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace Bff.Proxy;

/// <summary>
/// The problem document for YARP's own answer when an upstream could not be reached (502) or did not answer
/// within the cluster's <c>ActivityTimeout</c> (504). YARP sets the status and writes no body. Nothing of the
/// upstream goes into the document: its address and the exception are for the logs (YARP logs them), not for
/// a browser.
/// </summary>
internal static class UpstreamFailure
{
    public static Task WriteAsync(HttpContext context)
    {
        var response = context.Response;
        if (context.Features.Get<IForwarderErrorFeature>() is not { Error: not ForwarderError.None } failure)
        {
            return Task.CompletedTask;
        }

        // Counted here, where YARP hands over a call that got no response, so a successful call pays nothing
        // for it. A failure while the response body streams (the client or the upstream went away) is YARP's to log.
        context.RequestServices.GetService<BffMetrics>()?.ProxyError(context.GetReverseProxyFeature().Route.Config.RouteId, failure.Error.ToString());
        if (response.HasStarted)
        {
            return Task.CompletedTask;
        }

        // A 4xx here is the client's side (its body could not be read, it went away): BffProxyMiddleware
        // answers the one a client can still see.
        return response.StatusCode switch
        {
            StatusCodes.Status502BadGateway => BffProblem.WriteAsync(context, StatusCodes.Status502BadGateway,
                BffProblem.UpstreamUnavailable, "The upstream service could not be reached."),
            StatusCodes.Status504GatewayTimeout => BffProblem.WriteAsync(context, StatusCodes.Status504GatewayTimeout,
                BffProblem.UpstreamTimeout, "The upstream service did not answer in time."),
            _ => Task.CompletedTask,
        };
    }
}
