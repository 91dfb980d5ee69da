using Bff.Problems;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

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
        if (response.HasStarted || context.Features.Get<IForwarderErrorFeature>() is not { Error: not ForwarderError.None })
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
