using Bff.Idp;
namespace Bff.Sessions;

/// <summary>A server-side session: who the user is, their tokens, and the deadlines that end it.</summary>
internal sealed record BffSession
{
    /// <summary>The public handle: a hash of the secret id in the cookie, safe to log and to show.</summary>
    public required string Id { get; init; }

    public required string Subject { get; init; }

    /// <summary>The IdP's session id (<c>sid</c> claim), used by back-channel logout.</summary>
    public string? IdpSessionId { get; init; }

    public required IReadOnlyList<SessionClaim> Claims { get; init; }

    public required TokenSet Tokens { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset LastSeenAt { get; init; }

    public required DateTimeOffset AbsoluteExpiresAt { get; init; }

    /// <summary>
    /// The idle timeout of the session's frontend at login, which the session keeps as it keeps its absolute deadline;
    /// null for a session stored without one (by an instance of an earlier release), which idles out by the top-level
    /// <c>Bff:Session:IdleTimeout</c>.
    /// </summary>
    public TimeSpan? IdleTimeout { get; init; }

    public string? UserAgent { get; init; }

    public string? IpAddress { get; init; }

    /// <summary>The frontend the session belongs to; null for the default frontend (the top-level client).</summary>
    public string? Frontend { get; init; }

    /// <summary>Bumped on every token write so a stale writer can be refused.</summary>
    public long Version { get; init; }

    /// <summary>The session's own idle timeout, or <paramref name="topLevel"/> (<c>Bff:Session:IdleTimeout</c>) when it has none.</summary>
    public TimeSpan IdleTimeoutOr(TimeSpan topLevel) => IdleTimeout ?? topLevel;

    /// <summary>The earlier of the idle and absolute deadlines.</summary>
    /// <param name="topLevelIdleTimeout"><c>Bff:Session:IdleTimeout</c>: the idle timeout of a session that has none of its own.</param>
    public DateTimeOffset ExpiresAt(TimeSpan topLevelIdleTimeout)
    {
        var idle = LastSeenAt + IdleTimeoutOr(topLevelIdleTimeout);
        return idle < AbsoluteExpiresAt ? idle : AbsoluteExpiresAt;
    }

    public string? FindClaim(string type)
    {
        foreach (var claim in Claims)
        {
            if (claim.Type == type)
            {
                return claim.Value;
            }
        }

        return null;
    }
}
