using Bff.Authentication;
using Bff.Configuration;
using Bff.Lifecycle;
using Bff.Problems;
using Bff.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Bff.Endpoints;

/// <summary>
/// The caller's own sessions: <c>GET /bff/sessions</c>, <c>DELETE /bff/sessions/{id}</c> and
/// <c>POST /bff/sessions/revoke-others</c>. Another user's session is never shown, and deleting one answers
/// exactly what deleting an id that does not exist answers (404), so ids cannot be probed. Ending a session
/// here touches no cookie and never calls the IdP's end-session endpoint: the other browser simply finds its
/// session gone.
/// </summary>
internal static class SessionsEndpoints
{
    private const int MaxIdLength = 64;

    public static async Task ListAsync(HttpContext context, ISessionStore store, IOptions<BffOptions> options)
    {
        if (await context.GetBffSessionAsync() is not { } current)
        {
            await context.ChallengeAsync(BffSessionDefaults.Scheme);
            return;
        }

        // A user's sessions of other frontends are not this frontend's to show.
        var sessions = (await store.ListBySubjectAsync(current.Subject, context.RequestAborted)).Where(s => s.Frontend == current.Frontend).ToList();
        // The index is written after the session itself; the current one is listed even if that write was lost.
        sessions.RemoveAll(s => s.Id == current.Id);
        sessions.Add(current);

        // Each session idles out by its own timeout; this is only for one stored without it.
        var topLevelIdle = options.Value.Session.IdleTimeout;
        var body = sessions
            .OrderByDescending(s => s.Id == current.Id)
            .ThenByDescending(s => s.LastSeenAt)
            .Select(s => new SessionInfo(
                s.Id,
                s.Id == current.Id,
                Milliseconds(s.CreatedAt),
                Milliseconds(s.LastSeenAt),
                Milliseconds(s.ExpiresAt(topLevelIdle)),
                s.UserAgent,
                s.IpAddress,
                UserAgentParser.Parse(s.UserAgent)))
            .ToArray();
        await context.Response.WriteAsJsonAsync<IReadOnlyList<SessionInfo>>(body, LifecycleJsonContext.Default.IReadOnlyListSessionInfo, cancellationToken: context.RequestAborted);
    }

    public static async Task DeleteAsync(HttpContext context, string id, ISessionStore store, SessionTerminator revoker)
    {
        if (await context.GetBffSessionAsync() is not { } current)
        {
            await context.ChallengeAsync(BffSessionDefaults.Scheme);
            return;
        }

        var target = !IsHandle(id) ? null
            : id == current.Id ? current
            : await store.GetFreshAsync(id, context.RequestAborted);
        if (target is null || target.Subject != current.Subject || target.Frontend != current.Frontend
            || await revoker.EndAsync(id, "revoked", RevocationTiming.Now) is null)
        {
            await BffProblem.WriteAsync(context, StatusCodes.Status404NotFound, BffProblem.NotFound, "No such session.");
            return;
        }

        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    public static async Task RevokeOthersAsync(HttpContext context, ISessionStore store, SessionTerminator revoker)
    {
        if (await context.GetBffSessionAsync() is not { } current)
        {
            await context.ChallengeAsync(BffSessionDefaults.Scheme);
            return;
        }

        var revoked = 0;
        foreach (var session in await store.ListBySubjectAsync(current.Subject, context.RequestAborted))
        {
            // Their grants are revoked in the background: one IdP call per session would make this as slow as the IdP times n.
            if (session.Id != current.Id && session.Frontend == current.Frontend && await revoker.EndAsync(session.Id, "revoked", RevocationTiming.Background) is not null)
            {
                revoked++;
            }
        }

        await context.Response.WriteAsJsonAsync(new RevokeOthersResponse(revoked), LifecycleJsonContext.Default.RevokeOthersResponse, cancellationToken: context.RequestAborted);
    }

    // Redis keeps the last use to the millisecond and the creation time to the tick: without this, a session
    // used only at login would show lastSeenAt a fraction of a millisecond before createdAt.
    private static DateTimeOffset Milliseconds(DateTimeOffset value) =>
        DateTimeOffset.FromUnixTimeMilliseconds(value.ToUnixTimeMilliseconds());

    // Handles are base64url; anything else is not worth a Redis key (and braces would change its hash slot).
    private static bool IsHandle(string id) =>
        id.Length is > 0 and <= MaxIdLength && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
