using System.Collections.Concurrent;

namespace Bff.Sessions;

/// <summary>
/// Which sessions changed while a read was in flight, so that the read does not put back what it saw of one of them.
/// Every change (an invalidation, a token write heard, a dropped cache) takes the next epoch; a change of one session
/// is remembered under its id, so that a busy store's writes to other sessions do not stop every read in flight from
/// being cached (at a hundred refreshes a second, most reads overlapped some change).
/// </summary>
internal sealed partial class SessionCache
{
    /// <summary>How long a change is remembered: a read that took longer is never cached.</summary>
    internal static readonly TimeSpan ChangeMemory = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, Change> _changes = new(StringComparer.Ordinal);
    private long _droppedAt;

    /// <summary>Bumped by every change; a read notes it when it begins (<see cref="ChangedSince"/>).</summary>
    public long Epoch => Interlocked.Read(ref _epoch);

    /// <summary>Whether session <paramref name="id"/> may have changed since a read began at <paramref name="epochAtReadStart"/>.</summary>
    public bool ChangedSince(string id, long epochAtReadStart) =>
        Epoch != epochAtReadStart
        && (Interlocked.Read(ref _droppedAt) > epochAtReadStart || (_changes.TryGetValue(id, out var change) && change.Epoch > epochAtReadStart));

    // Recorded before the entry is evicted: a read that puts its entry back before the eviction loses it to the
    // eviction, one that puts it back after sees the record.
    private void RecordChange(string id)
    {
        var epoch = Interlocked.Increment(ref _epoch);
        var change = new Change(epoch, _time.GetUtcNow());
        // The later of two racing changes wins, whichever records last.
        _changes.AddOrUpdate(id, change, (_, recorded) => recorded.Epoch >= epoch ? recorded : change);
    }

    private void RecordDrop()
    {
        var epoch = Interlocked.Increment(ref _epoch);
        long current;
        while ((current = Interlocked.Read(ref _droppedAt)) < epoch && Interlocked.CompareExchange(ref _droppedAt, epoch, current) != current)
        {
        }
    }

    private void ForgetOldChanges(DateTimeOffset now)
    {
        foreach (var (id, change) in _changes)
        {
            if (now - change.At >= ChangeMemory)
            {
                _changes.TryRemove(new KeyValuePair<string, Change>(id, change));
            }
        }
    }

    private readonly record struct Change(long Epoch, DateTimeOffset At);
}
