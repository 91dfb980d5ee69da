using Bff.Configuration;
using Bff.Idp;
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
    private readonly ConcurrentDictionary<(string Id, string RefreshToken), (TokenSet Tokens, DateTimeOffset Until)> _grace = new();
    private readonly TimeSpan _idle = options.Value.Session.IdleTimeout;
    private readonly int _maxPerUser = options.Value.Session.MaxSessionsPerUser;

    public Task<IReadOnlyList<string>> CreateAsync(BffSession session, CancellationToken cancellationToken)
    {
        _sessions[session.Id] = session;
        if (Get(session.Id) is null)
        {
            return Task.FromResult<IReadOnlyList<string>>([]);
        }

        // Oldest by absolute deadline (to the millisecond), then by id: the order of the Redis store's index.
        var others = Live()
            .Where(s => s.Subject == session.Subject && s.Id != session.Id)
            .OrderBy(s => s.AbsoluteExpiresAt.ToUnixTimeMilliseconds())
            .ThenBy(s => s.Id, StringComparer.Ordinal)
            .Select(s => s.Id)
            .ToArray();
        var over = others.Length + 1 - _maxPerUser;
        return Task.FromResult<IReadOnlyList<string>>(over <= 0 ? [] : others[..over]);
    }

    public ValueTask<BffSession?> GetAsync(string id, CancellationToken cancellationToken) => ValueTask.FromResult(Get(id));

    public Task<BffSession?> GetFreshAsync(string id, CancellationToken cancellationToken) => Task.FromResult(Get(id));

    public Task TouchAsync(BffSession session, DateTimeOffset lastSeenAt, CancellationToken cancellationToken)
    {
        Update(session.Id, s => s with { LastSeenAt = lastSeenAt });
        return Task.CompletedTask;
    }

    public Task<TokenWriteResult> TryUpdateTokensAsync(string id, long expectedVersion, TokenSet tokens, string? replacedRefreshToken, CancellationToken cancellationToken)
    {
        if (replacedRefreshToken is not null)
        {
            var now = time.GetUtcNow();
            // Expired entries go on every write, so the table holds about a minute of refreshes.
            foreach (var (key, entry) in _grace)
            {
                if (entry.Until <= now)
                {
                    _grace.TryRemove(key, out _);
                }
            }

            _grace[(id, replacedRefreshToken)] = (tokens, now + TimeSpan.FromSeconds(60));
        }

        while (_sessions.TryGetValue(id, out var current))
        {
            if (current.Version != expectedVersion)
            {
                return Task.FromResult(TokenWriteResult.Conflict);
            }

            var next = current with { Tokens = tokens, Version = current.Version + 1 };
            if (_sessions.TryUpdate(id, next, current))
            {
                return Task.FromResult(TokenWriteResult.Written(next.Version));
            }
        }

        return Task.FromResult(TokenWriteResult.Missing);
    }

    public Task<TokenSet?> GetGraceTokensAsync(string id, string refreshToken, CancellationToken cancellationToken) =>
        Task.FromResult(_grace.TryGetValue((id, refreshToken), out var entry) && entry.Until > time.GetUtcNow() ? entry.Tokens : null);

    public Task<BffSession?> DeleteAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult(_sessions.TryRemove(id, out var session) ? session : null);

    public Task<IReadOnlyList<BffSession>> ListBySubjectAsync(string subject, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<BffSession>>(Live().Where(s => s.Subject == subject).ToArray());

    public Task<IReadOnlyList<string>> FindByIdpSessionAsync(string idpSessionId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(Live().Where(s => s.IdpSessionId == idpSessionId).Select(s => s.Id).ToArray());

    public Task<long> CountActiveAsync(string frontend, CancellationToken cancellationToken) =>
        Task.FromResult<long>(Live().Count(s => (s.Frontend ?? "") == frontend));

    private IEnumerable<BffSession> Live() => _sessions.Keys.Select(Get).OfType<BffSession>();

    private BffSession? Get(string id)
    {
        if (!_sessions.TryGetValue(id, out var session))
        {
            return null;
        }

        if (time.GetUtcNow() >= session.ExpiresAt(_idle))
        {
            _sessions.TryRemove(new KeyValuePair<string, BffSession>(id, session));
            return null;
        }

        return session;
    }

    private void Update(string id, Func<BffSession, BffSession> change)
    {
        while (_sessions.TryGetValue(id, out var current))
        {
            if (_sessions.TryUpdate(id, change(current), current))
            {
                return;
            }
        }
    }
}
