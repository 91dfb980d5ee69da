using System.Diagnostics;
using StackExchange.Redis;

namespace Bff.Telemetry;

/// <summary>
/// How every Redis user of the gateway waits for its calls (the session store, refresh locks and attempts, the
/// revocation queue, rate limits, the client-token cache, known devices, the logout-token replay cache), so
/// <c>bff.redis.operation.duration</c> and <c>bff.redis.errors</c> cover them all, each under its operation's name.
/// </summary>
internal static class RedisCallMetrics
{
    /// <summary>
    /// Awaits <paramref name="call"/> for at most <paramref name="timeout"/>, recording its duration, or an error when
    /// Redis failed or did not answer in time. The exception goes on to the caller, which knows what the failure means
    /// for its feature; a cancellation is the caller's own doing, and neither.
    /// </summary>
    /// <param name="metrics">The gateway's meter.</param>
    /// <param name="call">The Redis call, already sent.</param>
    /// <param name="operation">
    /// A constant: the session store's name for the call (<c>read</c>, <c>create</c>, ...), or the feature and its
    /// verb for the others (<c>refresh_lock.acquire</c>, <c>rate_limit.lease</c>, ...).
    /// </param>
    /// <param name="timeout">How long the caller waits for Redis.</param>
    /// <param name="cancellationToken">Ends the wait.</param>
    public static async Task<T> TimeRedisAsync<T>(this BffMetrics metrics, Task<T> call, string operation, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await call.WaitAsync(timeout, cancellationToken);
            metrics.RedisOperation(operation, Stopwatch.GetElapsedTime(started));
            return result;
        }
        catch (Exception ex)
        {
            if (!call.IsCompleted)
            {
                // Given up on (its time ran out, or the caller went away), the call still ends later: a failure then
                // is nobody's news, and left unobserved it would be reported when the task is collected.
                _ = call.ContinueWith(static given => given.Exception, CancellationToken.None,
                    TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            if (ex is RedisException or TimeoutException)
            {
                metrics.RedisError(operation, ex.GetType().Name);
            }

            throw;
        }
    }
}
