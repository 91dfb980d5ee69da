using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Bff.Sessions;

/// <summary>
/// What this instance last decrypted for each session, reused only when Redis returns exactly the same
/// protected bytes again. A read after the session cache's duration still goes to Redis (so every
/// revocation rule holds), but an unchanged session skips two Data Protection unprotects, their JSON and
/// a new principal: most of what a cache miss costs.
/// </summary>
/// <remarks>
/// Equal bytes (by SHA-256) mean equal plaintext, and those bytes were authenticated when first
/// decrypted, so a hit can only ever return what Data Protection accepted for this session id. Anything
/// written to the session (a token refresh, tampering) changes the bytes and is decrypted afresh. Entries
/// are looked up by session id, never by bytes alone: another session's bytes copied onto this one's key
/// match nothing remembered for this id, so they are decrypted under this id, which refuses them
/// (<see cref="SessionProtector"/>).
/// Past <see cref="MaxAge"/> an entry serves no read, yet the entry of a session still in use is kept up to another
/// <see cref="MaxAge"/>: when Redis still holds the same bytes, the read decrypts them afresh (so the key ring is asked
/// again) and then keeps the earlier session's claims and tokens (<see cref="Set"/>). A session in steady use is read
/// in full about once a minute; had each read replaced its claims and tokens, the principal and the upstream header
/// built from them would be built again, and every minute each session's few KB would move to the oldest generation
/// and die there, where garbage costs the most.
/// </remarks>
/// <param name="time">The clock entries age by.</param>
/// <param name="capacity">
/// How many sessions it holds at most: never more than <see cref="MaxEntries"/>. The session cache passes its own
/// bound (<c>Bff:Session:CacheMaxEntries</c>), so that a smaller cache, chosen to save memory, is not undone by
/// a minute of plaintext beside it.
/// </param>
internal sealed class DecryptedPayloadCache(TimeProvider time, int capacity = DecryptedPayloadCache.MaxEntries)
{
    // Each entry holds a session's decrypted tokens and claims, a few KB: this caps the memory at tens of
    // MB. Past it sessions are decrypted on every read, as without the memo.
    internal const int MaxEntries = 10_000;

    private readonly int _capacity = Math.Min(capacity, MaxEntries);

    // Bounds how long a payload outlives a change of the key ring that would now refuse it (a revoked or
    // lost key), as long as a verified cookie is remembered (SessionCookie); Data Protection itself
    // reloads its key ring only every 24 hours.
    internal static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);

    // The cache's sweep runs with its pings, up to ten times a second; entries age in a minute.
    internal static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(10);

    private const int FingerprintSize = 2 * SHA256.HashSizeInBytes;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private DateTimeOffset _swept = time.GetUtcNow();

    public int Count => _entries.Count;

    /// <summary>
    /// The session as decrypted from these very bytes, with what Redis keeps beside them in plain
    /// (last use, version) taken from this read.
    /// </summary>
    public bool TryGet(string id, byte[] metadata, byte[] tokens, DateTimeOffset lastSeen, long version,
        [NotNullWhen(true)] out BffSession? session)
    {
        session = null;
        if (!_entries.TryGetValue(id, out var entry))
        {
            return false;
        }

        if (time.GetUtcNow() - entry.DecryptedAt >= MaxAge)
        {
            return false;
        }

        Span<byte> fingerprint = stackalloc byte[FingerprintSize];
        Fingerprint(metadata, tokens, fingerprint);
        if (!fingerprint.SequenceEqual(entry.Fingerprint))
        {
            return false;
        }

        session = entry.Session with { LastSeenAt = lastSeen, Version = version };
        return true;
    }

    /// <summary>
    /// Remembers a session just decrypted from these bytes, and gives the session to use: the one decrypted from the
    /// same bytes before, when this memo still holds it, with this read's last use and version.
    /// </summary>
    public BffSession Set(BffSession session, byte[] metadata, byte[] tokens)
    {
        var known = _entries.TryGetValue(session.Id, out var earlier);
        if (!known && _entries.Count >= _capacity)
        {
            return session;
        }

        var fingerprint = new byte[FingerprintSize];
        Fingerprint(metadata, tokens, fingerprint);
        var now = time.GetUtcNow();
        if (known && fingerprint.AsSpan().SequenceEqual(earlier!.Fingerprint))
        {
            _entries[session.Id] = earlier with { DecryptedAt = now };
            return earlier.Session with { LastSeenAt = session.LastSeenAt, Version = session.Version };
        }

        _entries[session.Id] = new Entry(fingerprint, session, now);
        return session;
    }

    /// <summary>Forgets a session that changed or ended, so its plaintext does not stay in memory.</summary>
    public void Remove(string id) => _entries.TryRemove(id, out _);

    /// <summary>
    /// Removes the entries past their age, so memory follows the sessions in use: an entry whose session is not in use
    /// (<paramref name="inUse"/>: the session cache holds it) soon after its age, any other a minute later.
    /// </summary>
    public void Sweep(Func<string, bool> inUse)
    {
        var now = time.GetUtcNow();
        if (now - _swept < SweepInterval)
        {
            return;
        }

        _swept = now;
        foreach (var (id, entry) in _entries)
        {
            var age = now - entry.DecryptedAt;
            if (age >= 2 * MaxAge || (age >= MaxAge + SweepInterval && !inUse(id)))
            {
                _entries.TryRemove(new KeyValuePair<string, Entry>(id, entry));
            }
        }
    }

    private static void Fingerprint(byte[] metadata, byte[] tokens, Span<byte> destination)
    {
        SHA256.HashData(metadata, destination[..SHA256.HashSizeInBytes]);
        SHA256.HashData(tokens, destination[SHA256.HashSizeInBytes..]);
    }

    private sealed record Entry(byte[] Fingerprint, BffSession Session, DateTimeOffset DecryptedAt);
}
