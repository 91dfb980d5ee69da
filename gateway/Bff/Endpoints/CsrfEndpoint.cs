using Bff.Antiforgery;
using Bff.Authentication;
using Bff.Configuration;
using Bff.Http;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace Bff.Endpoints;

/// <summary>
/// <c>GET /bff/csrf</c>: an antiforgery request token for the unsafe methods, bound to the caller's
/// session. Without a session it answers 401 like <c>/bff/user</c>: a token could only be bound to no
/// session, and no unsafe call needs one then.
/// </summary>
internal static class CsrfEndpoint
{
    public static async Task HandleAsync(HttpContext context, IAntiforgery antiforgery)
    {
        if (await context.GetBffSessionAsync() is null)
        {
            await context.ChallengeAsync(BffSessionDefaults.Scheme);
            return;
        }

        AntiforgeryTokenSet tokens;
        using (AntiforgeryRequest.Enter(context))
        {
            // Sets the request's frontend's cookie.
            tokens = antiforgery.GetAndStoreTokens(context);
        }

        var body = new CsrfResponse(tokens.RequestToken!, BffHeaders.TokenHeaderName);
        await context.Response.WriteAsJsonAsync(body, EndpointJsonContext.Default.CsrfResponse, cancellationToken: context.RequestAborted);
    }
}
