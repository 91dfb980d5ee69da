using Bff.Configuration;
using Bff.Idp;
using Bff.Redis;
using Bff.Telemetry;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Bff.Lifecycle;

/// <summary>
/// Seen logout tokens in Redis, shared by every instance: <c>SET NX</c> on a key named by a hash of issuer
/// and <c>jti</c> (hash-tagged, so a cluster puts it in one slot), expiring when the token could no longer
/// be accepted anyway.
/// </summary>
internal sealed class RedisLogoutTokenReplayCache(IConnectionMultiplexer redis, RedisKeys keys, IOptions<BffOptions> options, TimeProvider time,
    BffMetrics metrics)
    : ILogoutTokenReplayCache
{
    private readonly TimeSpan _timeout = options.Value.SessionStoreTimeout;

    internal RedisKey KeyOf(LogoutToken token) => keys.LogoutToken(RedisKeys.Hash(token.Issuer + "\n" + token.Jti));

    public async Task<bool> TryAddAsync(LogoutToken token, CancellationToken cancellationToken)
    {
        var ttl = token.ReplayWindowEnd - time.GetUtcNow();
        if (ttl < TimeSpan.FromSeconds(1))
        {
            ttl = TimeSpan.FromSeconds(1);
        }

        return await Guard(redis.GetDatabase().StringSetAsync(KeyOf(token), "1", ttl, When.NotExists), "logout_token.add", cancellationToken);
    }

    public Task RemoveAsync(LogoutToken token, CancellationToken cancellationToken) =>
        Guard(redis.GetDatabase().KeyDeleteAsync(KeyOf(token)), "logout_token.remove", cancellationToken);

    private async Task<T> Guard<T>(Task<T> call, string operation, CancellationToken cancellationToken)
    {
        try
        {
            return await metrics.TimeRedisAsync(call, operation, _timeout, cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw new SessionStoreUnavailableException("The logout token replay cache is unavailable.", ex);
        }
    }
}
