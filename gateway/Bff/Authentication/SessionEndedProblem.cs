using Bff.Http;
using Bff.Problems;
using Microsoft.AspNetCore.Http;

namespace Bff.Authentication;

/// <summary>
/// The gateway's answer to a request whose session is gone: 401 <c>unauthenticated</c> (no cookie, or not one the
/// gateway made) or <c>session_expired</c> (a genuine cookie whose session ended), marked <c>Bff-Session: ended</c>.
/// The body alone does not say who wrote it: an upstream API behind the proxy can send the very same one, and a
/// client that took it for the session ending would drop a live session.
/// </summary>
internal static class SessionEndedProblem
{
    public static Task WriteAsync(HttpContext context, bool expired) =>
        BffProblem.WriteAsync(context, StatusCodes.Status401Unauthorized,
            expired ? BffProblem.SessionExpired : BffProblem.Unauthenticated,
            expired ? "The session has ended." : "Authentication is required.",
            header: (BffHeaders.SessionHeaderName, BffHeaders.SessionEnded));
}
