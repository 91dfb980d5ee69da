using System.Collections.Concurrent;

namespace Bff.Sessions;

/// <summary>
/// The order in which a full <see cref="SessionCache"/> gives up its entries: a clock (second chance), which
/// approximates least recently used without touching shared state on a hit beyond the slot's own flag. Slots of
/// entries that left the cache otherwise (aged out, invalidated) stay until the hand or <see cref="Compact"/>
/// passes them.
/// </summary>
internal sealed class SessionCacheClock
{
    private readonly ConcurrentQueue<SessionCacheSlot> _slots = new();

    public void Add(SessionCacheSlot slot) => _slots.Enqueue(slot);

    public void Clear() => _slots.Clear();

    /// <summary>
    /// Moves the hand at most <paramref name="maxSteps"/> slots: a live slot used since the hand last passed it
    /// gets a second chance at the back, the first live one not used is handed out (and leaves the clock).
    /// </summary>
    public SessionCacheSlot? NextVictim(Func<SessionCacheSlot, bool> isLive, int maxSteps)
    {
        for (var step = 0; step < maxSteps && _slots.TryDequeue(out var slot); step++)
        {
            if (!isLive(slot))
            {
                continue;
            }

            if (!slot.TakeSecondChance())
            {
                return slot;
            }

            _slots.Enqueue(slot);
        }

        return null;
    }

    /// <summary>
    /// Drops the slots of entries gone, in order, once they outnumber the live ones: keeps the clock within a small
    /// multiple of the cache. Off the request path (the cache's sweep).
    /// </summary>
    public void Compact(Func<SessionCacheSlot, bool> isLive, int live, int slack)
    {
        var slots = _slots.Count;
        if (slots <= (2 * live) + slack)
        {
            return;
        }

        for (var i = 0; i < slots && _slots.TryDequeue(out var slot); i++)
        {
            if (isLive(slot))
            {
                _slots.Enqueue(slot);
            }
        }
    }
}
