using System.Collections.Concurrent;

namespace Bff.Sessions;

/// <summary>
/// A token write this instance makes keeps the session it wrote in the cache, instead of reading it back on the next
/// request: every other instance evicts it on the write's message, which carries the version written, and this one
/// then keeps what it holds of that version or later. The entry is kept only when nothing but the write itself was
/// heard for the session while it ran: a later write, a deletion or a dropped cache leaves nothing behind.
/// </summary>
internal sealed partial class SessionCache
{
    private readonly ConcurrentDictionary<string, OwnWrite> _writes = new(StringComparer.Ordinal);

    /// <summary>Before this instance writes a session: null when another of its writes of that session is under way.</summary>
    public OwnWrite? BeginWrite(string id)
    {
        var write = new OwnWrite();
        return _writes.TryAdd(id, write) ? write : null;
    }

    /// <summary>After the write of <paramref name="written"/> (the session as it now is in Redis): whether it was cached.</summary>
    public bool EndWrite(OwnWrite write, BffSession written)
    {
        var id = written.Id;
        Entry? entry = null;
        if (IsEnabled && write.Heard <= written.Version
            && !(_entries.TryGetValue(id, out var current) && current.Session.Version >= written.Version))
        {
            entry = Put(new Entry(written, _time.GetUtcNow(), new SessionCacheSlot(id)));
        }

        _writes.TryRemove(new KeyValuePair<string, OwnWrite>(id, write));

        // A message handled between the check and the put would otherwise be lost: it marks the write before it
        // evicts, so seeing the mark now means the entry may be stale.
        if (entry is not null && write.Heard > written.Version)
        {
            Remove(id, entry);
            entry = null;
        }

        return entry is not null;
    }

    /// <summary>Forgets a write that failed or was not kept, without caching anything.</summary>
    public void AbandonWrite(string id, OwnWrite write) => _writes.TryRemove(new KeyValuePair<string, OwnWrite>(id, write));

    /// <summary>
    /// A token write somewhere made <paramref name="version"/> the session's: an entry of an earlier version goes,
    /// one of that version or later (this instance's own write) stays.
    /// </summary>
    public void Supersede(string id, long version)
    {
        SawChange(id, version);
        RecordChange(id);
        var cached = _entries.TryGetValue(id, out var entry);
        if (cached && entry!.Session.Version >= version)
        {
            return;
        }

        if (cached)
        {
            Remove(id, entry!);
        }

        Payloads.Remove(id);
    }

    private void SawChange(string id, long version)
    {
        if (_writes.TryGetValue(id, out var write))
        {
            write.Hear(version);
        }
    }

    private void SawEveryChange()
    {
        foreach (var (_, write) in _writes)
        {
            write.Hear(long.MaxValue);
        }
    }

    /// <summary>One write of this instance under way: the latest version heard of meanwhile (any other change: the maximum).</summary>
    internal sealed class OwnWrite
    {
        private long _heard;

        public long Heard => Interlocked.Read(ref _heard);

        public void Hear(long version)
        {
            var current = Interlocked.Read(ref _heard);
            while (version > current)
            {
                var seen = Interlocked.CompareExchange(ref _heard, version, current);
                if (seen == current)
                {
                    return;
                }

                current = seen;
            }
        }
    }
}
