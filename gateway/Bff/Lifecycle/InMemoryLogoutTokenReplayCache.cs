using Bff.Idp;
using System.Collections.Concurrent;

namespace Bff.Lifecycle;

/// <summary>The replay cache of a single instance with the in-memory session store.</summary>
internal sealed class InMemoryLogoutTokenReplayCache(TimeProvider time) : ILogoutTokenReplayCache
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);

    public Task<bool> TryAddAsync(LogoutToken token, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var (key, until) in _seen)
        {
            if (until <= now)
            {
                _seen.TryRemove(new KeyValuePair<string, DateTimeOffset>(key, until));
            }
        }

        return Task.FromResult(_seen.TryAdd(KeyOf(token), token.ReplayWindowEnd));
    }

    public Task RemoveAsync(LogoutToken token, CancellationToken cancellationToken)
    {
        _seen.TryRemove(KeyOf(token), out _);
        return Task.CompletedTask;
    }

    private static string KeyOf(LogoutToken token) => token.Issuer + "\n" + token.Jti;
}
