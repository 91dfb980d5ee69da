using Bff.Configuration;
using Bff.Redis;
using Bff.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Bff.Sessions;

/// <summary>
/// Listens for session changes made by any instance and evicts them from this instance's cache. It also
/// publishes a ping to itself on the same channel: the cache is used only while those pings come back,
/// so a dead or silently half-open subscription turns caching off instead of serving revoked sessions.
/// A ping that cannot even be published means Redis is down; the store then answers 503 until one can.
/// </summary>
internal sealed partial class SessionInvalidationListener(
    IConnectionMultiplexer redis,
    RedisKeys keys,
    SessionCache cache,
    SessionStoreHealth health,
    IEnumerable<ISessionChangeObserver> observers,
    IOptions<BffOptions> options,
    TimeProvider time,
    ILogger<SessionInvalidationListener> logger) : BackgroundService
{
    private readonly string _instance = Guid.NewGuid().ToString("N");
    private readonly ISessionChangeObserver[] _observers = [.. observers];
    private long _sent;
    private long _echoed;

    /// <summary>How often the subscription is proven alive: well within the cache duration.</summary>
    internal TimeSpan PingInterval { get; } = TimeSpan.FromMilliseconds(
        Math.Clamp(options.Value.Session.CacheDuration.TotalMilliseconds / 4, 100, 1000));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        redis.ConnectionFailed += OnConnectionChanged;
        redis.ConnectionRestored += OnConnectionChanged;
        try
        {
            await SubscribeAsync(stoppingToken);
            using var timer = new PeriodicTimer(PingInterval, time);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await PingAsync();
                cache.Sweep();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            redis.ConnectionFailed -= OnConnectionChanged;
            redis.ConnectionRestored -= OnConnectionChanged;
        }
    }

    private async Task SubscribeAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                await redis.GetSubscriber().SubscribeAsync(keys.InvalidationChannel, (_, message) => OnMessage(message))
                    .WaitAsync(options.Value.SessionStoreTimeout, stoppingToken);
                return;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                health.MarkFailed();
                LogSubscribeFailed(logger, ex.GetType().Name);
                await Task.Delay(delay, time, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    private async Task PingAsync()
    {
        // The previous ping must have come back by now; if not, messages may be getting lost.
        if (Interlocked.Read(ref _echoed) < Interlocked.Read(ref _sent) && cache.IsEnabled)
        {
            cache.Disable();
            LogSubscriptionSilent(logger);
        }

        var sequence = Interlocked.Increment(ref _sent);
        try
        {
            await redis.GetSubscriber()
                .PublishAsync(keys.InvalidationChannel, SessionInvalidationMessage.Ping(_instance, sequence))
                .WaitAsync(options.Value.SessionStoreTimeout);
            if (!health.IsAvailable)
            {
                health.MarkAvailable();
                LogStoreBack(logger);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            if (health.IsAvailable)
            {
                LogStoreDown(logger, ex.GetType().Name);
            }

            health.MarkFailed();
            cache.Disable();
        }
    }

    private void OnMessage(RedisValue message)
    {
        if (!SessionInvalidationMessage.TryParse((string?)message, out var parsed))
        {
            return;
        }

        switch (parsed.Kind)
        {
            case SessionInvalidationKind.SessionChanged:
                cache.Invalidate(parsed.Id);
                Notify(parsed.Id);
                break;

            case SessionInvalidationKind.TokensWritten:
                // What it evicts depends on the version.
                cache.Supersede(parsed.Id, parsed.Number);
                Notify(parsed.Id);
                break;

            case SessionInvalidationKind.LockReleased:
                Notify(parsed.Id);
                break;

            case SessionInvalidationKind.Ping when parsed.Id == _instance:
                InterlockedMax(ref _echoed, parsed.Number);
                if (parsed.Number == Interlocked.Read(ref _sent) && !cache.IsEnabled)
                {
                    cache.Enable();
                    LogCacheEnabled(logger);
                }

                break;
        }
    }

    private void Notify(string sessionId)
    {
        foreach (var observer in _observers)
        {
            observer.OnSessionChanged(sessionId);
        }
    }

    private void OnConnectionChanged(object? sender, ConnectionFailedEventArgs e)
    {
        // Whatever was published while the subscription was away is lost: start from an empty cache.
        if (e.ConnectionType == ConnectionType.Subscription)
        {
            cache.Disable();
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    [LoggerMessage(EventId = BffEventIds.InvalidationSubscribeFailed, Level = LogLevel.Warning, Message = "Session invalidation subscription failed ({Reason}); retrying")]
    private static partial void LogSubscribeFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = BffEventIds.InvalidationSubscriptionSilent, Level = LogLevel.Warning, Message = "Session invalidation ping did not come back: session cache dropped and off")]
    private static partial void LogSubscriptionSilent(ILogger logger);

    [LoggerMessage(EventId = BffEventIds.InvalidationSubscriptionConfirmed, Level = LogLevel.Information, Message = "Session invalidation subscription confirmed: session cache on")]
    private static partial void LogCacheEnabled(ILogger logger);

    [LoggerMessage(EventId = BffEventIds.RedisUnreachable, Level = LogLevel.Error, Message = "Redis unreachable ({Reason}): requests get 503 until it answers")]
    private static partial void LogStoreDown(ILogger logger, string reason);

    [LoggerMessage(EventId = BffEventIds.RedisBack, Level = LogLevel.Information, Message = "Redis answers again")]
    private static partial void LogStoreBack(ILogger logger);
}
