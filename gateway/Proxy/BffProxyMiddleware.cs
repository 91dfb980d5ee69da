using Bff.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Model;

namespace Bff.Proxy;

/// <summary>
/// First step of the YARP pipeline: loads the session for routes that send the user's token, and
/// answers 401 problem+json (never a redirect to the IdP) when a required session is missing.
/// </summary>
internal sealed class BffProxyMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var route = context.GetReverseProxyFeature().Route.Config;
        var mode = BffRouteMetadata.GetAccessTokenMode(route);
        if (mode is AccessTokenMode.User or AccessTokenMode.UserOptional)
        {
            var result = await context.AuthenticateAsync(BffSessionDefaults.Scheme);
            if (!result.Succeeded && mode == AccessTokenMode.User)
            {
                await context.ChallengeAsync(BffSessionDefaults.Scheme);
                return;
            }
        }

        await next(context);
    }
}
