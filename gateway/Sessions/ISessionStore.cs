namespace Bff.Sessions;

/// <summary>
/// Where sessions live. Implementations enforce the idle and absolute deadlines themselves: a session
/// past either is never returned.
/// </summary>
internal interface ISessionStore
{
    Task CreateAsync(BffSession session, CancellationToken cancellationToken);

    /// <summary>The session, or null when it does not exist or has passed a deadline.</summary>
    Task<BffSession?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Slides the idle deadline; does nothing for a session that no longer exists.</summary>
    Task TouchAsync(string id, DateTimeOffset lastSeenAt, CancellationToken cancellationToken);

    /// <summary>Ends a session. True when it existed.</summary>
    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken);
}
