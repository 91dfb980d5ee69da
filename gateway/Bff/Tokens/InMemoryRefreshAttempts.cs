using Bff.Configuration;
using Bff.Redis;
using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Bff.Tokens;

/// <summary>The refresh attempts of the in-memory store: the last token hash sent per session, until the window ends.</summary>
internal sealed class InMemoryRefreshAttempts(IOptions<BffOptions> options, TimeProvider time) : IRefreshAttempts
{
    private readonly TimeSpan _window = RefreshAttemptWindow.Of(options.Value);
    private readonly ConcurrentDictionary<string, (string Hash, DateTimeOffset Until)> _sent = new(StringComparer.Ordinal);

    public Task<bool> MarkSentAsync(string sessionId, string refreshToken, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var hash = RedisKeys.Hash(refreshToken);
        var before = _sent.TryGetValue(sessionId, out var sent) && sent.Hash == hash && now < sent.Until;
        _sent[sessionId] = (hash, now + _window);

        // Entries of sessions that never refresh again would stay: the stale ones go whenever one is added.
        if (_sent.Count > 1024)
        {
            foreach (var entry in _sent)
            {
                if (now >= entry.Value.Until)
                {
                    _sent.TryRemove(entry);
                }
            }
        }

        return Task.FromResult(before);
    }
}

/// <summary>How long a sent refresh token is remembered: as long as a takeover of its refresh can take.</summary>
internal static class RefreshAttemptWindow
{
    public static TimeSpan Of(BffOptions options) => options.Tokens.IdpTimeout + (4 * options.Tokens.RefreshLockLifetime);
}
