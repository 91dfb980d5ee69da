using Bff.Configuration;
using Bff.Redis;
using Bff.Telemetry;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Bff.RateLimiting;

/// <summary>
/// The shared buckets in Redis: one script call per lease (<see cref="RedisScripts.RateLimitLease"/>), never longer than
/// <c>Bff:SessionStoreTimeout</c>. A session's bucket sits in the session's hash slot; an address's is keyed by its hash.
/// </summary>
internal sealed class RedisPermitStore(IConnectionMultiplexer redis, RedisKeys keys, IOptions<BffOptions> options, BffMetrics metrics) : IPermitStore
{
    // After a full refill a missing key and the stored one say the same; the margin covers clocks a little apart.
    private const long ExpiryMarginMilliseconds = 60_000;

    private readonly TimeSpan _timeout = options.Value.SessionStoreTimeout;

    public async Task<PermitGrant> LeaseAsync(RateLimitPolicy policy, string key, int wanted, long nowMilliseconds, CancellationToken cancellationToken)
    {
        var bucket = policy.Kind == RateLimitKind.Session ? keys.SessionRateLimit(key) : keys.AddressRateLimit(RedisKeys.Hash(key));
        try
        {
            var result = (RedisResult[])(await metrics.TimeRedisAsync(redis.GetDatabase()
                .ScriptEvaluateAsync(RedisScripts.RateLimitLease, [bucket],
                    [nowMilliseconds, policy.PermitsPerMillisecond, policy.Burst, wanted, policy.FullRefillMilliseconds + ExpiryMarginMilliseconds]),
                "rate_limit.lease", _timeout, cancellationToken))!;
            return new PermitGrant((int)result[0], (long)result[1]);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw new PermitStoreUnavailableException($"Rate limit lease failed ({ex.GetType().Name}).", ex);
        }
    }
}
