using Bff.Sessions;
using Bff.Tokens;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace Bff.Proxy;

/// <summary>
/// First step of the YARP pipeline: loads the session for routes that send the user's token, makes
/// sure its access token is fresh (or fetches the gateway's own token for Client routes), and answers with problem+json (never a redirect to the IdP) when the
/// request cannot be forwarded with a valid token, or when the forwarder could not read the client's body.
/// </summary>
internal sealed class BffProxyMiddleware(RequestDelegate next, UserTokenManager tokens, ClientTokenManager clientTokens)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var route = context.GetReverseProxyFeature().Route.Config;
        var mode = BffRouteMetadata.GetAccessTokenMode(route);
        if (mode is AccessTokenMode.User or AccessTokenMode.UserOptional)
        {
            // Authentication ran in front of the proxy and left the session here when it found one; asking
            // again only for a request without one costs nothing on the path that matters.
            var feature = context.Features.Get<BffSessionFeature>();
            if (feature is null && (await context.AuthenticateAsync(BffSessionDefaults.Scheme)).Succeeded)
            {
                feature = context.Features.Get<BffSessionFeature>();
            }

            if (feature is null)
            {
                if (mode == AccessTokenMode.User)
                {
                    await context.ChallengeAsync(BffSessionDefaults.Scheme);
                    return;
                }
            }
            else
            {
                var token = await tokens.GetAsync(feature.Session, context.RequestAborted);
                switch (token.Status)
                {
                    case AccessTokenStatus.Usable:
                        feature.Session = token.Session!;
                        context.Features.Set(UpstreamToken.For(token.Session!.Tokens.AccessToken));
                        break;
                    case AccessTokenStatus.SessionEnded:
                        await BffProblem.WriteAsync(context, StatusCodes.Status401Unauthorized, BffProblem.SessionExpired, "The session has ended.");
                        return;
                    default:
                        // Never forward an expired token, never end the session for an IdP outage.
                        await BffProblem.IdpUnavailableAsync(context);
                        return;
                }
            }
        }

        else if (mode == AccessTokenMode.Client)
        {
            var token = await clientTokens.GetAsync(context.RequestAborted);
            if (token is null)
            {
                await BffProblem.IdpUnavailableAsync(context);
                return;
            }

            context.Features.Set(UpstreamToken.For(token));
        }

        await next(context);

        // The forwarder answers a request body it could not read from the client (over the limit, broken
        // chunking) with a status and no body; every error of the gateway is a problem document.
        var response = context.Response;
        if (!response.HasStarted
            && response.StatusCode is >= 400 and < 500
            && context.Features.Get<IForwarderErrorFeature>()?.Error is ForwarderError.RequestBodyClient)
        {
            await BffProblem.WriteAsync(context, response.StatusCode, BffProblem.BadRequest,
                response.StatusCode == StatusCodes.Status413PayloadTooLarge
                    ? "The request body is too large."
                    : "The request body could not be read.");
        }
    }
}
