using Bff.Configuration;
using Bff.Idp;
using Bff.Redis;
using Bff.Sessions;
using Bff.Telemetry;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Bff.Tokens;

/// <summary>
/// Client-credentials tokens in Redis, encrypted like session tokens and bound to their key (never a session id,
/// which has no <c>cc-</c>), expiring with the token.
/// </summary>
internal sealed class RedisTokenCache(IConnectionMultiplexer redis, RedisKeys keys, SessionProtector protector, IOptions<BffOptions> options,
    BffMetrics metrics) : ISharedTokenCache
{
    private readonly TimeSpan _timeout = options.Value.SessionStoreTimeout;

    public async Task<TokenSet?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var value = await Guard(redis.GetDatabase().StringGetAsync(keys.ClientToken(key)), "client_token.read", cancellationToken);
        if (value.IsNull)
        {
            return null;
        }

        try
        {
            return await protector.UnprotectTokensAsync(key, (byte[])value!, cancellationToken);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    public Task SetAsync(string key, TokenSet tokens, TimeSpan lifetime, CancellationToken cancellationToken) =>
        Guard(redis.GetDatabase().StringSetAsync(keys.ClientToken(key), protector.Protect(key, tokens), lifetime), "client_token.write", cancellationToken);


    private async Task<T> Guard<T>(Task<T> call, string operation, CancellationToken cancellationToken)
    {
        try
        {
            return await metrics.TimeRedisAsync(call, operation, _timeout, cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw new SessionStoreUnavailableException("Token cache call failed.", ex);
        }
    }
}
