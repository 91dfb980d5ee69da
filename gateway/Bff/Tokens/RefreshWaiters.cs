using Bff.Sessions;
using System.Collections.Concurrent;

namespace Bff.Tokens;

/// <summary>
/// Wakes requests waiting for another instance's refresh of the same session, when Redis pub/sub says
/// that session changed or its refresh lock was released. Waiters also poll, so a lost message only
/// slows them down.
/// </summary>
/// <remarks>
/// A session's entry lives while someone waits on it: the last waiter to leave removes it. A message is
/// not enough to clean up, since none comes in in-memory mode, nor for a session that ends by its TTL.
/// </remarks>
internal sealed class RefreshWaiters : ISessionChangeObserver
{
    private readonly ConcurrentDictionary<string, Signal> _waiters = new(StringComparer.Ordinal);

    /// <summary>How many sessions have waiters.</summary>
    internal int Count => _waiters.Count;

    /// <summary>
    /// The next signal for the session; register before looking, then wait, and dispose the registration
    /// when done waiting.
    /// </summary>
    public Registration Register(string sessionId)
    {
        while (true)
        {
            var signal = _waiters.GetOrAdd(sessionId, static _ => new Signal());
            if (signal.TryJoin())
            {
                return new Registration(this, sessionId, signal);
            }

            // Its last waiter left between the two lines and removed it: take the next one.
        }
    }

    public void OnSessionChanged(string sessionId)
    {
        if (_waiters.TryRemove(sessionId, out var signal))
        {
            signal.Fire();
        }
    }

    private void Leave(string sessionId, Signal signal)
    {
        // Only this very signal: a newer one for the session belongs to other waiters.
        if (signal.Leave())
        {
            _waiters.TryRemove(new KeyValuePair<string, Signal>(sessionId, signal));
        }
    }

    /// <summary>One waiter's hold on a session's signal.</summary>
    internal readonly struct Registration(RefreshWaiters owner, string sessionId, Signal signal) : IDisposable
    {
        /// <summary>Completes at the next signal for the session.</summary>
        public Task Task => signal.Task;

        public void Dispose() => owner.Leave(sessionId, signal);
    }

    internal sealed class Signal
    {
        private readonly TaskCompletionSource _fired = new(TaskCreationOptions.RunContinuationsAsynchronously);

        // How many wait on it; -1 once the last has left, when no one may join it any more.
        private int _waiters;

        public Task Task => _fired.Task;

        public bool TryJoin()
        {
            var waiters = Volatile.Read(ref _waiters);
            while (waiters >= 0)
            {
                var seen = Interlocked.CompareExchange(ref _waiters, waiters + 1, waiters);
                if (seen == waiters)
                {
                    return true;
                }

                waiters = seen;
            }

            return false;
        }

        /// <summary>True for the last waiter to leave, which closes the signal.</summary>
        public bool Leave() =>
            Interlocked.Decrement(ref _waiters) == 0 && Interlocked.CompareExchange(ref _waiters, -1, 0) == 0;

        public void Fire() => _fired.TrySetResult();
    }
}
