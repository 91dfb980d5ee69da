using Bff.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Bff.Sessions;

/// <summary>Redis answers a PING within the session-store timeout.</summary>
internal sealed class RedisHealthCheck(IConnectionMultiplexer redis, IOptions<BffOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await redis.GetDatabase().PingAsync().WaitAsync(options.Value.SessionStoreTimeout, cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // The exception's message can include the connection string; report its type only.
            return HealthCheckResult.Unhealthy($"Redis did not answer ({ex.GetType().Name}).");
        }
    }
}
