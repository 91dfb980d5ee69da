using System.Security.Cryptography;
using Bff.Sessions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Bff.Tokens;

/// <summary>
/// Client-credentials tokens in Redis, encrypted like session tokens and bound to their key (never a session id,
/// which has no <c>cc-</c>), expiring with the token.
/// </summary>
internal sealed class RedisTokenCache(IConnectionMultiplexer redis, SessionProtector protector, IOptions<BffOptions> options) : ISharedTokenCache
{
    private readonly TimeSpan _timeout = options.Value.SessionStoreTimeout;

    public async Task<SessionTokens?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var value = await Guard(redis.GetDatabase().StringGetAsync(KeyOf(key)), cancellationToken);
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

    public Task SetAsync(string key, SessionTokens tokens, TimeSpan lifetime, CancellationToken cancellationToken) =>
        Guard(redis.GetDatabase().StringSetAsync(KeyOf(key), protector.Protect(key, tokens), lifetime), cancellationToken);

    private static RedisKey KeyOf(string key) => $"bff:cc:{{{key}}}";

    private async Task<T> Guard<T>(Task<T> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call.WaitAsync(_timeout, cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw new SessionStoreUnavailableException("Token cache call failed.", ex);
        }
    }
}
