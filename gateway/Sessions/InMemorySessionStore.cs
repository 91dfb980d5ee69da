using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Bff.Sessions;

/// <summary>
/// A single-instance store for development and tests. Sessions vanish on restart and are invisible to
/// other instances, which is why start-up warns about it.
/// </summary>
internal sealed class InMemorySessionStore(IOptions<BffOptions> options, TimeProvider time) : ISessionStore
{
    private readonly ConcurrentDictionary<string, BffSession> _sessions = new(StringComparer.Ordinal);
    private readonly TimeSpan _idle = options.Value.Session.IdleTimeout;

    public Task CreateAsync(BffSession session, CancellationToken cancellationToken)
    {
        _sessions[session.Id] = session;
        return Task.CompletedTask;
    }

    public Task<BffSession?> GetAsync(string id, CancellationToken cancellationToken)
    {
        if (!_sessions.TryGetValue(id, out var session))
        {
            return Task.FromResult<BffSession?>(null);
        }

        if (time.GetUtcNow() >= session.ExpiresAt(_idle))
        {
            _sessions.TryRemove(new KeyValuePair<string, BffSession>(id, session));
            return Task.FromResult<BffSession?>(null);
        }

        return Task.FromResult<BffSession?>(session);
    }

    public Task TouchAsync(string id, DateTimeOffset lastSeenAt, CancellationToken cancellationToken)
    {
        while (_sessions.TryGetValue(id, out var current))
        {
            if (_sessions.TryUpdate(id, current with { LastSeenAt = lastSeenAt }, current))
            {
                break;
            }
        }

        return Task.CompletedTask;
    }

    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult(_sessions.TryRemove(id, out _));
}
