namespace Bff.Sessions;

/// <summary>What the cache holds per session: the session, when it was last read or confirmed, and its place on the clock.</summary>
internal sealed partial class SessionCache
{
    internal sealed record Entry
    {
        // UTC ticks, so that a confirmation can renew the entry in place (SessionCache.Confirm) instead of replacing it:
        // a replaced entry would be one more object per confirmed session moved to the oldest generation to die there.
        private long _cachedAt;
        private volatile bool _used;

        public Entry(BffSession session, DateTimeOffset cachedAt, SessionCacheSlot slot)
        {
            Session = session;
            Slot = slot;
            _cachedAt = cachedAt.UtcTicks;
            ReadAt = cachedAt;
        }

        public BffSession Session { get; init; }

        public SessionCacheSlot Slot { get; init; }

        /// <summary>When the session was last read or confirmed: the entry ages out a cache duration after it.</summary>
        public DateTimeOffset CachedAt => new(Volatile.Read(ref _cachedAt), TimeSpan.Zero);

        /// <summary>When the session was last read in full (CachedAt, until a confirmation renews the entry).</summary>
        public DateTimeOffset ReadAt { get; init; }

        /// <summary>Whether a request was served from this entry: only those are worth confirming (SessionCacheRevalidator).</summary>
        public bool Used => _used;

        // Read first: a session used by every request would otherwise write the same cache line on every hit.
        public void MarkUsed()
        {
            if (!_used)
            {
                _used = true;
            }
        }

        /// <summary>A confirmation asked for at <paramref name="at"/> renews the entry; only requests after it count as uses.</summary>
        public void Renew(DateTimeOffset at)
        {
            _used = false;
            Volatile.Write(ref _cachedAt, at.UtcTicks);
        }
    }
}
