namespace Bff.Sessions;

/// <summary>
/// How a full cache makes room: each new entry first evicts one that was not used since the clock hand last passed
/// it (<see cref="SessionCacheClock"/>), never every entry at once.
/// </summary>
internal sealed partial class SessionCache
{
    // Adds or replaces the entry; a new one first makes room in a full cache. Null when no room was found.
    private Entry? Put(Entry entry)
    {
        var id = entry.Session.Id;
        while (true)
        {
            if (_entries.TryGetValue(id, out var current))
            {
                // The session stays where it is on the clock.
                var replacement = entry with { Slot = current.Slot };
                if (_entries.TryUpdate(id, replacement, current))
                {
                    return replacement;
                }

                continue;
            }

            if (Count >= _capacity && !EvictOne())
            {
                return null;
            }

            if (_entries.TryAdd(id, entry))
            {
                Interlocked.Increment(ref _count);
                _clock.Add(entry.Slot);
                return entry;
            }
        }
    }

    // The entry whose slot the clock hands out leaves; a hit or a removal racing with it leaves the cache as it is.
    private bool EvictOne()
    {
        if (_clock.NextVictim(_isLive, MaxHandSteps) is not { } slot || !_entries.TryGetValue(slot.Id, out var entry)
            || !ReferenceEquals(entry.Slot, slot) || !Remove(slot.Id, entry))
        {
            return false;
        }

        Interlocked.Increment(ref _evictions);
        return true;
    }

    private bool IsLive(SessionCacheSlot slot) => _entries.TryGetValue(slot.Id, out var entry) && ReferenceEquals(entry.Slot, slot);
}
