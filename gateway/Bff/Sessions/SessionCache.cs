using Bff.Configuration;
using Bff.Telemetry;
using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Bff.Sessions;

/// <summary>
/// Sessions this instance read from Redis, kept for at most <c>Bff:Session:CacheDuration</c>. Every
/// change anywhere is announced on Redis pub/sub and evicts the entry here; entries also age out, so a
/// lost message can keep a revoked session usable for no longer than the cache duration.
/// </summary>
/// <remarks>
/// At most <c>Bff:Session:CacheMaxEntries</c> entries: past it, each new entry first evicts one that was not used
/// since the clock hand last passed it (second chance, an approximation of least recently used). A hit only sets a
/// flag, and only when it is not set yet, so the hot path stays lock-free and rarely writes shared memory; the hand
/// moves only when an entry is added to a full cache.
/// </remarks>
internal sealed partial class SessionCache
{
    // How far one addition may move the hand before giving up on caching that session: bounds the cost of a miss
    // when nearly every entry was used since the hand last passed.
    internal const int MaxHandSteps = 64;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly SessionCacheClock _clock = new();
    private readonly Func<SessionCacheSlot, bool> _isLive;
    private readonly TimeProvider _time;
    private readonly TimeSpan _duration;
    private readonly TimeSpan _idle;
    private readonly int _capacity;
    private long _epoch;
    private int _count;
    private long _hits;
    private long _misses;
    private long _evictions;
    private volatile bool _enabled;

    public SessionCache(IOptions<BffOptions> options, TimeProvider time, BffMetrics? metrics = null)
    {
        _time = time;
        _duration = options.Value.Session.CacheDuration;
        _idle = options.Value.Session.IdleTimeout;
        _capacity = options.Value.Session.CacheMaxEntries;
        Payloads = new DecryptedPayloadCache(time, _capacity);
        Admission = new SessionCacheAdmission(time, _duration);
        _isLive = IsLive;
        metrics?.ObserveSessionCache(() => Count, () => Interlocked.Read(ref _hits), () => Interlocked.Read(ref _misses),
            () => Interlocked.Read(ref _evictions));
    }

    public bool IsEnabled => _enabled && _duration > TimeSpan.Zero;

    public int Count => Volatile.Read(ref _count);

    public long Evictions => Interlocked.Read(ref _evictions);

    /// <summary>
    /// What was decrypted for each session, for reads that go to Redis anyway. Kept here so that what
    /// evicts a session (an invalidation, the sweep) also forgets its plaintext; not switched off with the
    /// cache, because it never answers without Redis.
    /// </summary>
    public DecryptedPayloadCache Payloads { get; }

    /// <summary>Which sessions read from Redis are kept: all of them unless the cache turns over fast.</summary>
    internal SessionCacheAdmission Admission { get; }

    public BffSession? TryGet(string id)
    {
        if (!IsEnabled)
        {
            return null;
        }

        if (!_entries.TryGetValue(id, out var entry))
        {
            Interlocked.Increment(ref _misses);
            return null;
        }

        var now = _time.GetUtcNow();
        if (now - entry.CachedAt >= _duration || now >= entry.Session.ExpiresAt(_idle))
        {
            Remove(id, entry);
            Interlocked.Increment(ref _misses);
            return null;
        }

        entry.Slot.Use();
        entry.MarkUsed();
        Interlocked.Increment(ref _hits);
        return entry.Session;
    }

    /// <summary>Caches what a read that began just now returned, unless the session changed since.</summary>
    public void Set(BffSession session, long epochAtReadStart) => Set(session, epochAtReadStart, _time.GetUtcNow());

    /// <summary>
    /// Caches what a read returned, unless the session changed (or the cache was dropped) since the read began at
    /// <paramref name="readStartedAt"/>, or the read took longer than changes are remembered.
    /// </summary>
    public void Set(BffSession session, long epochAtReadStart, DateTimeOffset readStartedAt)
    {
        var id = session.Id;
        if (!IsEnabled || _time.GetUtcNow() - readStartedAt >= ChangeMemory || ChangedSince(id, epochAtReadStart)
            || !Admission.Admits(id))
        {
            return;
        }

        if (Put(new Entry(session, _time.GetUtcNow(), new SessionCacheSlot(id))) is not { } entry)
        {
            return;
        }

        // A change between the check above and the write would otherwise be lost: it is recorded before it
        // evicts, so seeing it now means the entry may be stale.
        if (ChangedSince(id, epochAtReadStart))
        {
            Remove(id, entry);
        }
    }

    /// <summary>Keeps a cached entry in step with a change this instance made itself.</summary>
    public void Update(string id, Func<BffSession, BffSession> change)
    {
        if (_entries.TryGetValue(id, out var entry))
        {
            _entries.TryUpdate(id, entry with { Session = change(entry.Session) }, entry);
        }
    }

    public void Invalidate(string id)
    {
        SawChange(id, long.MaxValue);
        RecordChange(id);
        if (_entries.TryRemove(id, out _))
        {
            Interlocked.Decrement(ref _count);
        }

        Payloads.Remove(id);
    }

    /// <summary>Drops everything and stops caching until the subscription is known to work again.</summary>
    public void Disable()
    {
        _enabled = false;
        RecordDrop();
        SawEveryChange();
        foreach (var (id, entry) in _entries)
        {
            Remove(id, entry);
        }

        _clock.Clear();
    }

    public void Enable() => _enabled = true;

    /// <summary>Removes entries past their time, so memory follows the active sessions.</summary>
    public void Sweep()
    {
        var now = _time.GetUtcNow();
        foreach (var (id, entry) in _entries)
        {
            if (now - entry.CachedAt >= _duration)
            {
                Remove(id, entry);
            }
        }

        _clock.Compact(_isLive, Count, MaxHandSteps);
        Admission.Observe();
        ForgetOldChanges(now);
        Payloads.Sweep(_entries.ContainsKey);
    }

    private bool Remove(string id, Entry entry)
    {
        if (!_entries.TryRemove(new KeyValuePair<string, Entry>(id, entry)))
        {
            return false;
        }

        Interlocked.Decrement(ref _count);
        return true;
    }
}
