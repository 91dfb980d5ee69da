using Bff.Configuration;
using Bff.Redis;
using Bff.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Bff.Sessions;

/// <summary>
/// How the Redis session store calls Redis: never while the store is known to be down, never longer than
/// <c>Bff:SessionStoreTimeout</c>, and a failure marks the store down and drops the cache (which may no longer
/// hear about revocations) before it becomes a 503.
/// </summary>
internal sealed partial class RedisSessionCalls(
    IConnectionMultiplexer redis,
    SessionCache cache,
    SessionStoreHealth health,
    IOptions<BffOptions> options,
    BffMetrics metrics,
    ILogger<RedisSessionCalls> logger)
{
    private readonly TimeSpan _timeout = options.Value.SessionStoreTimeout;

    public IDatabase Database => redis.GetDatabase();

    public async Task<T> GuardAsync<T>(Task<T> call, string operation, CancellationToken cancellationToken)
    {
        health.ThrowIfUnavailable();
        try
        {
            return await metrics.TimeRedisAsync(call, operation, _timeout, cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            health.MarkFailed();
            cache.Disable();
            LogStoreFailed(logger, operation, ex.GetType().Name);
            throw new SessionStoreUnavailableException($"Session store {operation} failed.", ex);
        }
    }

    [LoggerMessage(EventId = BffEventIds.SessionStoreFailed, Level = LogLevel.Error, Message = "Session store {Operation} failed: {Reason}")]
    private static partial void LogStoreFailed(ILogger logger, string operation, string reason);
}
