namespace Bff.Sessions;

/// <summary>
/// Sessions that requests keep using are confirmed against Redis in the background shortly before their entry would
/// age out (<see cref="SessionCacheRevalidator"/>), so a busy session is never read on a request's path. A confirmed
/// entry counts as read when the confirmation was asked for: it still never outlives its last word from Redis by more
/// than the cache duration, and an invalidation heard meanwhile still wins (it removes the very entry confirmed).
/// </summary>
internal sealed partial class SessionCache
{
    /// <summary>
    /// Adds to <paramref name="due"/> (up to <paramref name="max"/> in all) the entries a request used since they were
    /// read or confirmed that are at least <paramref name="minAge"/> old and not yet aged out, and were read in full
    /// less than <see cref="DecryptedPayloadCache.MaxAge"/> ago: a session is still read and decrypted again about once
    /// a minute, so its plaintext outlives a change of the key ring that would refuse it no longer than without
    /// confirmations.
    /// </summary>
    public void CollectDue(TimeSpan minAge, List<Due> due, int max)
    {
        if (!IsEnabled)
        {
            return;
        }

        var now = _time.GetUtcNow();
        foreach (var (_, entry) in _entries)
        {
            if (due.Count >= max)
            {
                return;
            }

            var age = now - entry.CachedAt;
            if (entry.Used && age >= minAge && age < _duration && now - entry.ReadAt < DecryptedPayloadCache.MaxAge
                && now < entry.Session.ExpiresAt(_idle))
            {
                due.Add(new Due(entry));
            }
        }
    }

    /// <summary>
    /// Redis holds <paramref name="version"/> of the session, last used at <paramref name="lastSeen"/>, as of
    /// <paramref name="askedAt"/>: the entry starts a new cache duration then, or goes when it holds another version.
    /// Whether the entry was renewed; an entry that changed or left meanwhile is left to what changed it.
    /// </summary>
    public bool Confirm(Due due, DateTimeOffset askedAt, long version, DateTimeOffset lastSeen)
    {
        var entry = due.Entry;
        var id = entry.Session.Id;
        if (entry.Session.Version != version)
        {
            Drop(due);
            return false;
        }

        // Two tries: this instance's own sliding write replaces the entry (Update) without reading it again.
        for (var attempt = 0; attempt < 2 && IsEnabled; attempt++)
        {
            var session = entry.Session;
            if (lastSeen > session.LastSeenAt)
            {
                session = session with { LastSeenAt = lastSeen };
            }

            if (_entries.TryUpdate(id, new Entry(session, askedAt, entry.Slot) { ReadAt = entry.ReadAt }, entry))
            {
                return true;
            }

            if (!_entries.TryGetValue(id, out var current) || current.CachedAt != entry.CachedAt
                || !ReferenceEquals(current.Slot, entry.Slot) || current.Session.Version != version)
            {
                return false;
            }

            entry = current;
        }

        return false;
    }

    /// <summary>Redis no longer holds the session (or holds another version): the entry and its plaintext go.</summary>
    public void Drop(Due due)
    {
        var id = due.Entry.Session.Id;
        if (Remove(id, due.Entry))
        {
            Payloads.Remove(id);
        }
    }

    /// <summary>An entry to confirm, as it was when collected.</summary>
    internal readonly struct Due
    {
        internal Due(Entry entry) => Entry = entry;

        public string Id => Entry.Session.Id;

        internal Entry Entry { get; }
    }
}
