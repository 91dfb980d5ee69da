using Bff.Sessions;
using System.Collections.Concurrent;

namespace Bff.Tokens;

/// <summary>
/// Wakes requests waiting for another instance's refresh of the same session, when Redis pub/sub says
/// that session changed or its refresh lock was released. Waiters also poll, so a lost message only
/// slows them down.
/// </summary>
internal sealed class RefreshWaiters : ISessionChangeObserver
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiters = new(StringComparer.Ordinal);

    /// <summary>A task that completes at the next signal for the session; register before looking, then wait.</summary>
    public Task Register(string sessionId) =>
        _waiters.GetOrAdd(sessionId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void OnSessionChanged(string sessionId)
    {
        if (_waiters.TryRemove(sessionId, out var waiter))
        {
            waiter.TrySetResult();
        }
    }
}
