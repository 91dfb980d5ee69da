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

        // The entry confirmed, or the copy of it this instance's own sliding write put in its place (Update): the same
        // slot and version, not renewed or read again since it was collected. Anything else changed it meanwhile.
        if (!IsEnabled || !_entries.TryGetValue(id, out var current) || current.CachedAt != due.CachedAt
            || !ReferenceEquals(current.Slot, entry.Slot) || current.Session.Version != version)
        {
            return false;
        }

        if (lastSeen <= current.Session.LastSeenAt)
        {
            // Renewed in place: an entry that leaves or is replaced meanwhile is renewed where nobody finds it any more.
            current.Renew(askedAt);
            return true;
        }

        // Another instance slid the session: the rarer case, so a new entry, with the session's later use.
        var renewed = new Entry(current.Session with { LastSeenAt = lastSeen }, askedAt, current.Slot) { ReadAt = current.ReadAt };
        return _entries.TryUpdate(id, renewed, current);
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
        internal Due(Entry entry)
        {
            Entry = entry;
            CachedAt = entry.CachedAt;
        }

        public string Id => Entry.Session.Id;

        internal Entry Entry { get; }

        /// <summary>When the entry had been read or confirmed when it was collected.</summary>
        internal DateTimeOffset CachedAt { get; }
    }
}
