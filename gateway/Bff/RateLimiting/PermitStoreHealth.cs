using Bff.Telemetry;
using Microsoft.Extensions.Logging;

namespace Bff.RateLimiting;

/// <summary>
/// Whether the limits lease from Redis or count in this instance alone. One failed lease switches every limit to
/// its per-instance bucket, logged once for the outage; Redis is tried again after <see cref="RetryInterval"/>
/// (by the next request that needs a lease), and the first lease that succeeds switches back, logged once too.
/// </summary>
internal sealed partial class PermitStoreHealth(ILogger<PermitStoreHealth> logger)
{
    /// <summary>How long the limits count locally after a failed lease before Redis is tried again.</summary>
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(5);

    private int _down;
    private long _retryAtMilliseconds;

    public bool IsDown => Volatile.Read(ref _down) == 1;

    /// <summary>True while the limits should count locally rather than ask Redis.</summary>
    public bool UseLocal(long nowMilliseconds) => IsDown && nowMilliseconds < Volatile.Read(ref _retryAtMilliseconds);

    public void Failed(long nowMilliseconds, Exception error)
    {
        Volatile.Write(ref _retryAtMilliseconds, nowMilliseconds + (long)RetryInterval.TotalMilliseconds);
        if (Interlocked.Exchange(ref _down, 1) == 0)
        {
            LogUnavailable(logger, (error.InnerException ?? error).GetType().Name);
        }
    }

    public void Succeeded()
    {
        if (IsDown && Interlocked.Exchange(ref _down, 0) == 1)
        {
            LogBack(logger);
        }
    }

    [LoggerMessage(EventId = BffEventIds.RateLimitStoreUnavailable, Level = LogLevel.Warning, Message = "Rate limits cannot reach Redis ({Reason}); each instance now limits on its own")]
    private static partial void LogUnavailable(ILogger logger, string reason);

    [LoggerMessage(EventId = BffEventIds.RateLimitStoreBack, Level = LogLevel.Information, Message = "Rate limits reach Redis again; limits are shared by every instance")]
    private static partial void LogBack(ILogger logger);
}
