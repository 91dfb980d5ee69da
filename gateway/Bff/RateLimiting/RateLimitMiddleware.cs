using Bff.Antiforgery;
using Bff.Authentication;
using Bff.Problems;
using Bff.Telemetry;
using Microsoft.AspNetCore.Http;

namespace Bff.RateLimiting;

/// <summary>
/// The rate limits, after the CSRF checks and authentication and before any endpoint or the proxy, so a refused
/// request reaches neither an upstream nor the IdP. Per session: a request that passed the CSRF checks of a
/// protected endpoint (<c>/bff/*</c> APIs, proxied routes, local APIs) with a session; what a cross-site page can
/// make a browser send never gets this far, so it cannot drain a victim's bucket. Per address: login starts.
/// Over a limit: 429 <c>rate_limited</c> with <c>Retry-After</c>. Added only when a limit is configured.
/// </summary>
internal sealed class RateLimitMiddleware(RequestDelegate next, RateLimiters limiters, BffMetrics metrics)
{
    private const string SessionLimit = "session";
    private const string AddressLimit = "address";

    public Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint is null)
        {
            return next(context);
        }

        ValueTask<RateLimitDecision> pending;
        string limit;
        var marked = endpoint.Metadata.GetMetadata<RateLimitMetadata>();
        if (marked == RateLimitMetadata.LoginStart)
        {
            if (limiters.PerAddress is not { } perAddress)
            {
                return next(context);
            }

            pending = perAddress.AcquireAsync(ClientAddress.KeyOf(context.Connection.RemoteIpAddress), context.RequestAborted);
            limit = AddressLimit;
        }
        else if (marked is null
            && limiters.PerSession is { } perSession
            && context.Features.Get<BffSessionFeature>() is { } feature
            && CsrfMiddleware.RequirementOf(endpoint) != CsrfRequirement.None)
        {
            pending = perSession.AcquireAsync(feature.Session.Id, context.RequestAborted);
            limit = SessionLimit;
        }
        else
        {
            return next(context);
        }

        if (pending.IsCompletedSuccessfully)
        {
            var decision = pending.Result;
            return decision.Allowed ? next(context) : RefuseAsync(context, decision, limit);
        }

        return AwaitedAsync(context, pending, limit);
    }

    private async Task AwaitedAsync(HttpContext context, ValueTask<RateLimitDecision> pending, string limit)
    {
        var decision = await pending;
        await (decision.Allowed ? next(context) : RefuseAsync(context, decision, limit));
    }

    private Task RefuseAsync(HttpContext context, RateLimitDecision decision, string limit)
    {
        metrics.RateLimited(limit);
        return BffProblem.WriteAsync(context, StatusCodes.Status429TooManyRequests, BffProblem.RateLimited,
            limit == SessionLimit ? "Too many requests for this session." : "Too many login attempts from this address.",
            retryAfter: decision.RetryAfter);
    }
}
