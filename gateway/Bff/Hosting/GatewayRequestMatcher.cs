using Bff.Antiforgery;
using Bff.Authentication;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Model;

namespace Bff.Hosting;

/// <summary>
/// Which requests are the gateway's: <c>/bff/*</c>, the OIDC callbacks, proxied routes and the host's local APIs
/// marked with <see cref="BffEndpointConventionBuilderExtensions.AsBffLocalApi"/>. They get the contract's
/// response headers and the gateway's error handling; anything else of the host's keeps its own.
/// </summary>
internal static class GatewayRequestMatcher
{
    public static bool IsGatewayRequest(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/bff")
            || path.StartsWithSegments(OidcOptionsSetup.CallbackPath)
            || path.StartsWithSegments(OidcOptionsSetup.SignedOutCallbackPath))
        {
            return true;
        }

        // The framework's exception handler clears the endpoint before its error response starts; the feature keeps it.
        var endpoint = context.GetEndpoint() ?? context.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
        return endpoint is not null
            && (endpoint.Metadata.GetMetadata<RouteModel>() is not null || endpoint.Metadata.GetMetadata<ICsrfMetadata>() is { Protected: true });
    }
}
