using Bff.Authentication;
using Bff.Configuration;
using Bff.Http;
using Bff.Problems;
using Bff.Routes;
using Bff.Tokens;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
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
    public Task InvokeAsync(HttpContext context)
    {
        if (!ForwardableHeaders.AreAscii(context.Request.Headers))
        {
            return BffProblem.WriteAsync(context, StatusCodes.Status400BadRequest, BffProblem.BadRequest,
                "Request header values must be ASCII to be forwarded.");
        }

        var route = context.GetReverseProxyFeature().Route.Config;
        var mode = BffRouteMetadata.GetAccessTokenMode(route);
        var audience = BffRouteMetadata.GetTokenAudience(route);
        if (mode is AccessTokenMode.User or AccessTokenMode.UserOptional or AccessTokenMode.UserOrClient
            && context.Features.Get<BffSessionFeature>() is { } feature)
        {
            // The steady state of every proxied call: a session authentication found, a token that needs no
            // refresh, nothing awaited, so no state machine is allocated for the request.
            var pending = tokens.GetAsync(feature.Session, audience, context.RequestAborted);
            if (pending.IsCompletedSuccessfully)
            {
                var token = pending.Result;
                if (token.Status == AccessTokenStatus.Usable)
                {
                    Use(context, feature, token);
                    return ForwardAsync(context);
                }

                return RefuseAsync(context, token);
            }

            return AwaitTokenThenForwardAsync(context, feature, pending);
        }

        return mode switch
        {
            AccessTokenMode.User or AccessTokenMode.UserOptional or AccessTokenMode.UserOrClient => AuthenticateThenForwardAsync(context, mode, audience),
            AccessTokenMode.Client => WithClientTokenAsync(context, audience),
            _ => ForwardAsync(context),
        };
    }

    private async Task AwaitTokenThenForwardAsync(HttpContext context, BffSessionFeature feature, ValueTask<AccessTokenResult> pending)
    {
        var token = await pending;
        if (token.Status != AccessTokenStatus.Usable)
        {
            await RefuseAsync(context, token);
            return;
        }

        Use(context, feature, token);
        await ForwardAsync(context);
    }

    private async Task AuthenticateThenForwardAsync(HttpContext context, AccessTokenMode mode, TokenAudience? audience)
    {
        // Authentication ran in front of the proxy and left the session here when it found one; asking
        // again only for a request without one costs nothing on the path that matters.
        if (await context.GetBffSessionAsync() is not null
            && context.Features.Get<BffSessionFeature>() is { } feature)
        {
            await AwaitTokenThenForwardAsync(context, feature, tokens.GetAsync(feature.Session, audience, context.RequestAborted));
            return;
        }

        switch (mode)
        {
            case AccessTokenMode.User:
                await context.ChallengeAsync(BffSessionDefaults.Scheme);
                return;
            case AccessTokenMode.UserOrClient:
                await WithClientTokenAsync(context, audience);
                return;
            default:
                await ForwardAsync(context);
                return;
        }
    }

    private async Task WithClientTokenAsync(HttpContext context, TokenAudience? audience)
    {
        var token = await clientTokens.GetAsync(audience, context.RequestAborted);
        if (token.Error is { } error)
        {
            await RefusedAsync(context, error);
            return;
        }

        if (token.Token is not { } bearer)
        {
            await BffProblem.IdpUnavailableAsync(context);
            return;
        }

        context.Features.Set(new UpstreamToken(bearer));
        await ForwardAsync(context);
    }

    private static void Use(HttpContext context, BffSessionFeature feature, AccessTokenResult token)
    {
        feature.Session = token.Session!;
        context.Features.Set(new UpstreamToken(token.Token!.Value));
    }

    private static Task RefuseAsync(HttpContext context, AccessTokenResult token) => token.Status switch
    {
        AccessTokenStatus.SessionEnded => SessionEndedProblem.WriteAsync(context, expired: true),
        AccessTokenStatus.Refused => RefusedAsync(context, token.Error!),
        // Never forward an expired token, never end the session for an IdP outage.
        _ => BffProblem.IdpUnavailableAsync(context),
    };

    // The error is one of a fixed set of OAuth codes (or the gateway's own), never text from the IdP.
    private static Task RefusedAsync(HttpContext context, string error) =>
        BffProblem.WriteAsync(context, StatusCodes.Status403Forbidden, BffProblem.Forbidden, "Access to this API was refused.",
            $"The identity provider would not issue a token for this route's API ({error}). The session is unchanged; other routes still work.");

    // Only a request that can have a body can fail on reading it: the others are forwarded without
    // awaiting anything here, and nothing of theirs is left for the error boundary to guard.
    private Task ForwardAsync(HttpContext context)
    {
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false })
        {
            BffErrorBoundary.HandOver(context);
            return next(context);
        }

        return ForwardThenCheckBodyAsync(context);
    }

    private async Task ForwardThenCheckBodyAsync(HttpContext context)
    {
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
