using System.Collections.Concurrent;

namespace Bff.RateLimiting;

/// <summary>
/// One limit (per session, or per address) in this instance. With a shared store, each key's permits are leased
/// from the store's bucket <see cref="RateLimitPolicy.LeaseSize"/> at a time and spent here: a request with a
/// leased permit left costs one interlocked decrement and nothing else, and a key that was refused is refused here,
/// without asking Redis, until its bucket holds a permit again. At most one lease per key is in flight.
/// </summary>
/// <remarks>
/// The bound: every permit spent was taken from the shared bucket, and an instance holds at most
/// <c>LeaseSize − 1</c> taken but unspent permits of a key, so any window admits at most what the exact bucket would
/// (<c>Burst + rate × window</c>) plus <c>instances × (LeaseSize − 1)</c>. Without a store, or while it is down,
/// each key has an exact bucket in this instance with the same rates.
/// </remarks>
internal sealed class PermitLimiter
{
    private readonly ConcurrentDictionary<string, PermitAllowance> _entries = new(StringComparer.Ordinal);
    private readonly IPermitStore? _store;
    private readonly PermitStoreHealth _health;
    private readonly TimeProvider _time;
    private readonly long _sweepIntervalMilliseconds;
    private long _nextSweepMilliseconds;

    public PermitLimiter(RateLimitPolicy policy, IPermitStore? store, PermitStoreHealth health, TimeProvider time)
    {
        Policy = policy;
        _store = store;
        _health = health;
        _time = time;
        _sweepIntervalMilliseconds = Math.Max(policy.FullRefillMilliseconds, 30_000);
        _nextSweepMilliseconds = Now() + _sweepIntervalMilliseconds;
    }

    public RateLimitPolicy Policy { get; }

    /// <summary>Keys this instance keeps state for (tests, and the bound on its memory).</summary>
    internal int Count => _entries.Count;

    /// <summary>Takes a permit for <paramref name="key"/>; completes synchronously unless a lease is needed.</summary>
    public ValueTask<RateLimitDecision> AcquireAsync(string key, CancellationToken cancellationToken)
    {
        if (_entries.TryGetValue(key, out var entry) && Interlocked.Decrement(ref entry.Remaining) >= 0)
        {
            return new(RateLimitDecision.Allow);
        }

        return AcquireSlowAsync(key, cancellationToken);
    }

    private async ValueTask<RateLimitDecision> AcquireSlowAsync(string key, CancellationToken cancellationToken)
    {
        while (true)
        {
            var now = Now();
            SweepIfDue(now);
            var entry = _entries.GetOrAdd(key, static _ => new PermitAllowance());
            TaskCompletionSource? lease = null;
            Task wait;
            lock (entry)
            {
                if (entry.Removed)
                {
                    continue;
                }

                entry.LastUsedMilliseconds = now;
                if (_store is null || _health.UseLocal(now))
                {
                    return entry.TakeLocal(Policy, now);
                }

                // A lease may have landed since the caller's decrement.
                if (Interlocked.Decrement(ref entry.Remaining) >= 0)
                {
                    return RateLimitDecision.Allow;
                }

                // Nothing can add permits while this lock is held, so nothing is lost; it keeps refused
                // requests from counting the field down without end.
                Volatile.Write(ref entry.Remaining, 0);
                if (now < entry.RefusedUntilMilliseconds)
                {
                    return RateLimitDecision.Deny(entry.RefusedUntilMilliseconds - now);
                }

                if (entry.Lease is null)
                {
                    lease = entry.Lease = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }

                wait = entry.Lease.Task;
            }

            if (lease is not null)
            {
                // Not the request's token: other requests wait for this lease too.
                await LeaseAsync(key, entry, lease, now);
            }
            else
            {
                await wait.WaitAsync(cancellationToken);
            }
        }
    }

    private async Task LeaseAsync(string key, PermitAllowance entry, TaskCompletionSource lease, long now)
    {
        PermitGrant? grant = null;
        try
        {
            grant = await _store!.LeaseAsync(Policy, key, Policy.LeaseSize, now, CancellationToken.None);
            _health.Succeeded();
        }
        catch (PermitStoreUnavailableException ex)
        {
            _health.Failed(now, ex);
        }
        finally
        {
            lock (entry)
            {
                if (grant is { } granted)
                {
                    Volatile.Write(ref entry.Remaining, granted.Granted);
                    entry.RefusedUntilMilliseconds = granted.Granted > 0 ? 0 : now + Math.Max(1, granted.RetryAfterMilliseconds);
                    entry.Local = null;
                }

                entry.Lease = null;
                lease.SetResult();
            }
        }
    }

    // Only what a new entry would say the same: no lease in flight, no refusal pending, and idle for a full refill
    // (a local bucket is full again). Leased permits an entry still held are forgotten, which only refuses sooner.
    private void SweepIfDue(long now)
    {
        var due = Volatile.Read(ref _nextSweepMilliseconds);
        if (now < due || Interlocked.CompareExchange(ref _nextSweepMilliseconds, now + _sweepIntervalMilliseconds, due) != due)
        {
            return;
        }

        foreach (var (key, entry) in _entries)
        {
            lock (entry)
            {
                if (entry.Lease is null && now >= entry.RefusedUntilMilliseconds
                    && now - entry.LastUsedMilliseconds >= Policy.FullRefillMilliseconds)
                {
                    entry.Removed = true;
                    _entries.TryRemove(new KeyValuePair<string, PermitAllowance>(key, entry));
                }
            }
        }
    }

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();
}
