using StackExchange.Redis;

namespace Bff.Redis;

/// <summary>The gateway's Redis connection, with its timeouts tied to <c>Bff:SessionStoreTimeout</c>.</summary>
internal static class RedisConnection
{
    /// <summary>
    /// Connects without waiting for Redis to answer, so a gateway whose Redis is down still starts (and
    /// reports not ready) instead of crash-looping.
    /// </summary>
    public static IConnectionMultiplexer Connect(string configuration, TimeSpan timeout)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        options.ClientName ??= "bff-gateway";
        var milliseconds = (int)Math.Clamp(timeout.TotalMilliseconds, 100, int.MaxValue);
        options.AsyncTimeout = milliseconds;
        options.SyncTimeout = milliseconds;
        options.ConnectTimeout = Math.Min(milliseconds, 5000);
        return ConnectionMultiplexer.Connect(options);
    }
}
