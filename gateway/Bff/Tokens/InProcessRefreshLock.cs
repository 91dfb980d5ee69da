using System.Collections.Concurrent;

namespace Bff.Tokens;

/// <summary>
/// For the single-instance in-memory store: the refresh lock within this process. A session's flights for different
/// tokens (its own, each route API's) still share its one refresh token, so they take turns here as instances take
/// turns on the Redis lock; a release wakes whoever waits for the session.
/// </summary>
internal sealed class InProcessRefreshLock(RefreshWaiters? waiters = null) : IRefreshLock
{
    private readonly ConcurrentDictionary<string, Held> _held = new(StringComparer.Ordinal);
    private readonly RefreshWaiters? _waiters = waiters;

    public Task<IAsyncDisposable?> TryAcquireAsync(string sessionId, CancellationToken cancellationToken)
    {
        var held = new Held(this, sessionId);
        return Task.FromResult<IAsyncDisposable?>(_held.TryAdd(sessionId, held) ? held : null);
    }

    private sealed class Held(InProcessRefreshLock owner, string sessionId) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            if (owner._held.TryRemove(new KeyValuePair<string, Held>(sessionId, this)))
            {
                owner._waiters?.OnSessionChanged(sessionId);
            }

            return ValueTask.CompletedTask;
        }
    }
}
