using Bff.Authentication;
using Bff.Configuration;
using Bff.Problems;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Bff.Endpoints;

/// <summary>
/// <c>GET /bff/user[?slide=false]</c>: who is signed in, the public handle of their session and its deadlines; with
/// <c>slide=false</c> reading it does not slide the idle deadline.
/// </summary>
internal static class UserEndpoint
{
    public static async Task HandleAsync(HttpContext context, IOptions<BffOptions> options)
    {
        // slide=false was honoured when the session was read (SlideOptOut); any other value is a mistake to report.
        if (context.Request.Query.TryGetValue("slide", out var slide) && (slide.Count > 1 || slide[0] is not ("true" or "false")))
        {
            await BffProblem.WriteAsync(context, StatusCodes.Status400BadRequest, BffProblem.BadRequest, "slide must be true or false.");
            return;
        }

        var session = await context.GetBffSessionAsync();
        if (session is null)
        {
            await context.ChallengeAsync(BffSessionDefaults.Scheme);
            return;
        }

        var topLevelIdle = options.Value.Session.IdleTimeout;
        var claims = new UserClaim[session.Claims.Count];
        for (var i = 0; i < claims.Length; i++)
        {
            claims[i] = new UserClaim(session.Claims[i].Type, session.Claims[i].Value);
        }

        var body = new UserResponse(
            session.Subject,
            session.FindClaim("name"),
            claims,
            new UserSession(session.Id, session.CreatedAt, session.ExpiresAt(topLevelIdle), session.LastSeenAt + session.IdleTimeoutOr(topLevelIdle), session.AbsoluteExpiresAt),
            "/bff/logout?sid=" + Uri.EscapeDataString(session.Id));
        await context.Response.WriteAsJsonAsync(body, EndpointJsonContext.Default.UserResponse, cancellationToken: context.RequestAborted);
    }
}
