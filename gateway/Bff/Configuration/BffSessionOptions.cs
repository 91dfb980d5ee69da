namespace Bff.Configuration;

/// <summary>The <c>Bff:Session</c> section.</summary>
public sealed class BffSessionOptions
{
    /// <summary>Sliding idle timeout.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Hard cap from login; never slides.</summary>
    public TimeSpan AbsoluteLifetime { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How long an instance may reuse a session it read from Redis.</summary>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How many sessions one instance keeps in its cache at most; past it the least recently used give way one by
    /// one (an approximation: second chance). Bounds the cache's memory whatever the number of active sessions.
    /// </summary>
    /// <remarks>
    /// Also bounds the sessions whose decrypted payload is remembered beside the cache. The memory a cached session
    /// takes, and what the process needs around it, is in docs/performance.md ("Memory per session").
    /// </remarks>
    public int CacheMaxEntries { get; set; } = 50_000;

    /// <summary>
    /// How many live sessions one user may have: a login beyond it ends the user's oldest session. Someone holding a
    /// user's IdP session could otherwise pile up sessions without end; the bound also caps what listing or ending a
    /// user's sessions costs.
    /// </summary>
    /// <remarks>
    /// 100 is far more than one person's browsers and devices, and keeps a user's index in Redis small enough to
    /// stay in its compact encoding (128 entries).
    /// </remarks>
    public int MaxSessionsPerUser { get; set; } = 100;

    /// <summary>
    /// After a session is ended on purpose, how many Redis replicas must have the deletion (Redis <c>WAIT</c>, up to
    /// <c>Bff:SessionStoreTimeout</c>) before the request that ended it succeeds. Replication is asynchronous: without
    /// this, a failover right after a logout can promote a replica that still holds the session, and bring it back.
    /// </summary>
    public int RevocationReplicas { get; set; }

    /// <summary>Outside Development an empty Redis connection string stops start-up unless this is true.</summary>
    public bool AllowInMemoryStore { get; set; }

    /// <summary>
    /// The idle deadline is written back at most this often per session, so sliding costs one Redis
    /// write a minute rather than one per request.
    /// </summary>
    public TimeSpan SlidingWriteInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// <see cref="SlidingWriteInterval"/>, but never more than a quarter of <paramref name="idleTimeout"/> (the
    /// session's own, its frontend's at login): the store slides from the last use written back, so a longer interval
    /// would end a session that is in use. With a quarter, a session used at least every three quarters of its idle
    /// timeout never runs out, whichever frontend it belongs to.
    /// </summary>
    internal TimeSpan SlidingWriteIntervalFor(TimeSpan idleTimeout) =>
        SlidingWriteInterval < idleTimeout / 4 ? SlidingWriteInterval : idleTimeout / 4;
}
