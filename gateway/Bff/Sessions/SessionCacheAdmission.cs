namespace Bff.Sessions;

/// <summary>
/// Which sessions read from Redis the cache keeps: every one while few sessions come cold, and only those read a second
/// time within the cache duration once many do (past <see cref="BusyReads"/> first reads a cache duration). What cache
/// designs call a doorkeeper, or an admission filter.
/// </summary>
/// <remarks>
/// <para>
/// With many more sessions in use than are used within one cache duration (100,000 sessions each used every 20 s or
/// so, against a duration of 5 s), four entries in five were never used again, yet each held a session's claims and
/// tokens for the whole duration: long enough to reach the GC's oldest generation and die there, which is what
/// filled the heap (docs/performance.md, "100,000 sessions"). Read once, such a session now dies young. A session read
/// again within the duration is kept from that read on, so a busy session costs one more read, and only when it
/// comes back after a pause while the cache is busy; under the threshold nothing changes.
/// </para>
/// <para>
/// Busy is judged by first reads (a session not read within the duration before), not by every read from Redis: a
/// session the filter turns away is read again, and counting those would keep the filter on by its own doing.
/// </para>
/// <para>
/// The sightings are a fixed table, each slot a tag of the session id's hash and the time it was read: nothing is
/// allocated per read. A collision either admits a session one read early or asks it for one more read; the hash is
/// randomised per process, so nobody can choose ids that collide on purpose.
/// </para>
/// </remarks>
internal sealed class SessionCacheAdmission
{
    /// <summary>First reads (sessions not read within the duration before) per cache duration past which only second reads are kept.</summary>
    internal const int BusyReads = 5_000;

    private const int SlotBits = 16;
    private const long TimeMask = (1L << 48) - 1;

    private readonly long[] _sightings = new long[1 << SlotBits];
    private readonly TimeProvider _time;
    private readonly TimeSpan _duration;
    private readonly long _origin;
    private readonly object _window = new();
    private DateTimeOffset _windowStart;
    private long _firstReads;
    private long _firstReadsAtWindowStart;
    private volatile bool _busy;

    public SessionCacheAdmission(TimeProvider time, TimeSpan duration)
    {
        _time = time;
        _duration = duration;
        _origin = time.GetTimestamp();
        _windowStart = time.GetUtcNow();
    }

    /// <summary>Whether only second reads are kept now (as judged at the end of the last window).</summary>
    public bool IsBusy => _busy;

    /// <summary>Records that <paramref name="id"/> was just read from Redis, and says whether to keep it.</summary>
    public bool Admits(string id)
    {
        var hash = (uint)id.GetHashCode();
        ref var slot = ref _sightings[hash & ((1 << SlotBits) - 1)];
        var tag = (long)(hash >> SlotBits) << 48;
        var now = (long)_time.GetElapsedTime(_origin).TotalMilliseconds + 1;
        var seen = Volatile.Read(ref slot);
        if (seen != 0 && (seen & ~TimeMask) == tag && now - (seen & TimeMask) < (long)_duration.TotalMilliseconds)
        {
            return true;
        }

        Volatile.Write(ref slot, tag | now);
        Interlocked.Increment(ref _firstReads);
        return !_busy;
    }

    /// <summary>
    /// Judges the window that ends once a cache duration has passed since it began: busy when its first reads came at
    /// <see cref="BusyReads"/> a duration or faster. Called by the cache's sweep.
    /// </summary>
    public void Observe()
    {
        var now = _time.GetUtcNow();
        lock (_window)
        {
            var elapsed = now - _windowStart;
            if (elapsed < _duration || _duration <= TimeSpan.Zero)
            {
                return;
            }

            var firstReads = Interlocked.Read(ref _firstReads);
            _busy = (firstReads - _firstReadsAtWindowStart) * _duration.Ticks >= BusyReads * elapsed.Ticks;
            _windowStart = now;
            _firstReadsAtWindowStart = firstReads;
        }
    }
}
