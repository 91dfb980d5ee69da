using Bff.Configuration;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace Bff.Authentication;

/// <summary>
/// Answers a host's own API endpoint that requires the gateway's session (<see cref="BffSessionRequired"/>)
/// with the gateway's 401 (<c>unauthenticated</c> or <c>session_expired</c>) when the request has none.
/// </summary>
internal sealed class LocalApiSessionMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<BffSessionRequired>() is null
            || context.Features.Get<BffSessionFeature>() is not null)
        {
            return next(context);
        }

        return RequireSessionAsync(context);
    }

    private async Task RequireSessionAsync(HttpContext context)
    {
        if (await context.GetBffSessionAsync() is null)
        {
            await context.ChallengeAsync(BffSessionDefaults.Scheme);
            return;
        }

        await next(context);
    }
}
