using Bff.Configuration;
using Bff.Redis;
using Bff.Sessions;
using Bff.Telemetry;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Bff.Tokens;

/// <summary>
/// Refresh attempts in Redis, seen by every instance: one <c>SET ... GET</c> per refresh on a key in the session's
/// slot holding a hash of the token sent (never the token), expiring after <see cref="RefreshAttemptWindow"/>.
/// </summary>
internal sealed class RedisRefreshAttempts(IConnectionMultiplexer redis, RedisKeys keys, SessionStoreHealth health, IOptions<BffOptions> options,
    BffMetrics metrics, SessionProtector protector)
    : IRefreshAttempts
{
    private readonly TimeSpan _timeout = options.Value.SessionStoreTimeout;
    private readonly TimeSpan _window = RefreshAttemptWindow.Of(options.Value);

    public async Task<bool> MarkSentAsync(string sessionId, string refreshToken, CancellationToken cancellationToken)
    {
        health.ThrowIfUnavailable();
        var hash = RedisKeys.Hash(refreshToken);
        try
        {
            var before = await metrics.TimeRedisAsync(redis.GetDatabase().StringSetAndGetAsync(keys.RefreshSent(sessionId), hash, _window),
                "refresh_attempt.mark", _timeout, cancellationToken);
            return before == hash;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            health.MarkFailed();
            throw new SessionStoreUnavailableException("Refresh attempt marker failed.", ex);
        }
    }

    // The grace entry lives beside the marker, in the session's slot, where the store put it (RedisSessionStore).
    public async Task<SendCheck> BeforeSendAsync(ISessionStore store, string sessionId, string refreshToken, CancellationToken cancellationToken)
    {
        health.ThrowIfUnavailable();
        var hash = RedisKeys.Hash(refreshToken);
        RedisResult[] answer;
        try
        {
            answer = (RedisResult[])(await metrics.TimeRedisAsync(redis.GetDatabase().ScriptEvaluateAsync(RedisScripts.RefreshGraceOrMarkSent,
                [keys.RefreshGrace(sessionId, hash), keys.RefreshSent(sessionId)], [hash, (long)_window.TotalMilliseconds]),
                "refresh_attempt.mark", _timeout, cancellationToken))!;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            health.MarkFailed();
            throw new SessionStoreUnavailableException("Refresh attempt marker failed.", ex);
        }

        if ((long)answer[0] == 0)
        {
            return new SendCheck(null, (long)answer[1] == 1);
        }

        if (await protector.TryUnprotectGraceTokensAsync(sessionId, (byte[])answer[1]!, cancellationToken) is { } grace)
        {
            return new SendCheck(grace, false);
        }

        // Unreadable, the entry is as good as absent: the token is sent, so it is marked as any other.
        return new SendCheck(null, await MarkSentAsync(sessionId, refreshToken, cancellationToken));
    }

    public async Task<SendCheck?> BeforeSendBesideLockAsync(string sessionId, string refreshToken, string lockOwner)
    {
        var hash = RedisKeys.Hash(refreshToken);
        try
        {
            // Asked before the first await, so it goes out right behind what the caller asked just before.
            health.ThrowIfUnavailable();
            var answer = (RedisResult[])(await metrics.TimeRedisAsync(redis.GetDatabase().ScriptEvaluateAsync(RedisScripts.RefreshGraceOrMarkSentUnderLock,
                [keys.RefreshLock(sessionId), keys.RefreshGrace(sessionId, hash), keys.RefreshSent(sessionId)],
                [lockOwner, hash, (long)_window.TotalMilliseconds]), "refresh_attempt.mark", _timeout, CancellationToken.None))!;
            if ((long)answer[0] == 0)
            {
                return new SendCheck(null, (long)answer[1] == 1);
            }

            // Not made (-1), or a grace entry that does not decrypt: the check before the send handles both, as ever.
            return (long)answer[0] == 1 && await protector.TryUnprotectGraceTokensAsync(sessionId, (byte[])answer[1]!, CancellationToken.None) is { } grace
                ? new SendCheck(grace, false)
                : null;
        }
        catch (Exception)
        {
            // Whatever failed, only the shortcut is lost: the check before the send is made as without it, and meets and
            // reports the failure itself. A flight that does not refresh leaves this task unawaited, so it must not fault.
            return null;
        }
    }
}
