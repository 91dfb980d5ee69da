using Bff.Configuration;
using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Bff.Sessions;

/// <summary>
/// Sessions this instance read from Redis, kept for at most <c>Bff:Session:CacheDuration</c>. Every
/// change anywhere is announced on Redis pub/sub and evicts the entry here; entries also age out, so a
/// lost message can keep a revoked session usable for no longer than the cache duration.
/// </summary>
internal sealed class SessionCache(IOptions<BffOptions> options, TimeProvider time)
{
    private const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly TimeSpan _duration = options.Value.Session.CacheDuration;
    private readonly TimeSpan _idle = options.Value.Session.IdleTimeout;
    private long _epoch;
    private volatile bool _enabled;

    public bool IsEnabled => _enabled && _duration > TimeSpan.Zero;

    /// <summary>Bumped by every invalidation; a read that saw it change must not fill the cache.</summary>
    public long Epoch => Interlocked.Read(ref _epoch);

    public int Count => _entries.Count;

    /// <summary>
    /// What was decrypted for each session, for reads that go to Redis anyway. Kept here so that what
    /// evicts a session (an invalidation, the sweep) also forgets its plaintext; not switched off with the
    /// cache, because it never answers without Redis.
    /// </summary>
    public DecryptedPayloadCache Payloads { get; } = new(time);

    public BffSession? TryGet(string id)
    {
        if (!IsEnabled || !_entries.TryGetValue(id, out var entry))
        {
            return null;
        }

        var now = time.GetUtcNow();
        if (now - entry.CachedAt >= _duration || now >= entry.Session.ExpiresAt(_idle))
        {
            _entries.TryRemove(new KeyValuePair<string, Entry>(id, entry));
            return null;
        }

        return entry.Session;
    }

    /// <summary>Caches what a read returned, unless an invalidation arrived since the read began.</summary>
    public void Set(BffSession session, long epochAtReadStart)
    {
        if (!IsEnabled || Epoch != epochAtReadStart || _entries.Count >= MaxEntries)
        {
            return;
        }

        var entry = new Entry(session, time.GetUtcNow());
        _entries[session.Id] = entry;

        // An invalidation between the check above and the write would otherwise be lost: it bumps the
        // epoch before evicting, so seeing a new epoch here means the entry may be stale.
        if (Epoch != epochAtReadStart)
        {
            _entries.TryRemove(new KeyValuePair<string, Entry>(session.Id, entry));
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
        Interlocked.Increment(ref _epoch);
        _entries.TryRemove(id, out _);
        Payloads.Remove(id);
    }

    /// <summary>Drops everything and stops caching until the subscription is known to work again.</summary>
    public void Disable()
    {
        _enabled = false;
        Interlocked.Increment(ref _epoch);
        _entries.Clear();
    }

    public void Enable() => _enabled = true;

    /// <summary>Removes entries past their time, so memory follows the active sessions.</summary>
    public void Sweep()
    {
        var now = time.GetUtcNow();
        foreach (var (id, entry) in _entries)
        {
            if (now - entry.CachedAt >= _duration)
            {
                _entries.TryRemove(new KeyValuePair<string, Entry>(id, entry));
            }
        }

        Payloads.Sweep();
    }

    private sealed record Entry(BffSession Session, DateTimeOffset CachedAt);
}
