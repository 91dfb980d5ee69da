using Bff.Configuration;
using Bff.Redis;
using Bff.Sessions;
using Bff.Telemetry;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Bff.Tokens;

/// <summary>
/// A per-session lock in Redis: <c>SET NX PX</c> with a random owner, renewed while the refresh runs so a
/// slow IdP never lets it lapse under a live holder, and released by compare-and-delete so a holder whose
/// lock did lapse cannot free someone else's. Release also tells waiters on every instance to look again.
/// </summary>
internal sealed partial class RedisRefreshLock(
    IConnectionMultiplexer redis,
    RedisKeys keys,
    SessionStoreHealth health,
    IOptions<BffOptions> options,
    TimeProvider time,
    ILogger<RedisRefreshLock> logger,
    BffMetrics metrics) : IRefreshLock
{
    private readonly IConnectionMultiplexer _redis = redis;
    private readonly RedisValue _channel = keys.InvalidationChannel.ToString();
    private readonly TimeProvider _time = time;
    private readonly ILogger _logger = logger;
    private readonly BffMetrics _metrics = metrics;
    private readonly TimeSpan _lifetime = options.Value.Tokens.RefreshLockLifetime;
    private readonly TimeSpan _storeTimeout = options.Value.SessionStoreTimeout;

    public Task<IAsyncDisposable?> TryAcquireAsync(string sessionId, CancellationToken cancellationToken) =>
        AcquireAsync(sessionId, NewOwner(), cancellationToken);

    public (Task<IAsyncDisposable?> Acquiring, string Owner)? TryAcquireNamed(string sessionId)
    {
        var owner = NewOwner();
        return (AcquireAsync(sessionId, owner, CancellationToken.None), owner);
    }

    // Random, so only its holder can renew or release the lock.
    private static string NewOwner() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    private async Task<IAsyncDisposable?> AcquireAsync(string sessionId, string owner, CancellationToken cancellationToken)
    {
        health.ThrowIfUnavailable();
        var key = keys.RefreshLock(sessionId);
        bool acquired;
        try
        {
            acquired = await _metrics.TimeRedisAsync(_redis.GetDatabase().StringSetAsync(key, owner, _lifetime, When.NotExists),
                "refresh_lock.acquire", _storeTimeout, cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            health.MarkFailed();
            throw new SessionStoreUnavailableException("Refresh lock failed.", ex);
        }

        return acquired ? new Held(this, sessionId, key, owner) : null;
    }

    private sealed class Held : IAsyncDisposable, IReleasedByTokenWrite
    {
        private readonly RedisRefreshLock _lock;
        private readonly string _sessionId;
        private readonly RedisKey _key;
        private readonly string _owner;
        private readonly PeriodicTimer _timer;
        private readonly Task _renewal;
        private bool _released;

        public Held(RedisRefreshLock owner, string sessionId, RedisKey key, string value)
        {
            _lock = owner;
            _sessionId = sessionId;
            _key = key;
            _owner = value;
            _timer = new PeriodicTimer(owner._lifetime / 3, owner._time);
            _renewal = RenewAsync();
        }

        // Stopped by disposing the timer, not by cancelling: nearly every lock is released before its first renewal,
        // and a cancelled wait would throw an exception on nearly every refresh.
        private async Task RenewAsync()
        {
            try
            {
                while (await _timer.WaitForNextTickAsync())
                {
                    var renewed = (long)await _lock._metrics.TimeRedisAsync(_lock._redis.GetDatabase()
                        .ScriptEvaluateAsync(RedisScripts.RefreshLockRenew, [_key], [_owner, (long)_lock._lifetime.TotalMilliseconds]),
                        "refresh_lock.renew", _lock._storeTimeout, CancellationToken.None);
                    if (renewed == 0)
                    {
                        _lock.Lost(_sessionId);
                        return;
                    }
                }
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // The lock may lapse; the version check on the token write still keeps newer tokens safe.
                _lock.Lost(_sessionId);
            }
        }

        public async Task<TokenWriteResult> WriteAndReleaseAsync(Func<string, Task<TokenWriteResult>> write)
        {
            // A renewal after the write's release would find the lock gone and report it lost.
            await StopRenewalAsync();
            var result = await write(_owner);
            _released = result.LockReleased;
            return result;
        }

        // A renewal under way ends (within the store's timeout) before the lock is released.
        private async Task StopRenewalAsync()
        {
            _timer.Dispose();
            await _renewal;
        }

        public async ValueTask DisposeAsync()
        {
            await StopRenewalAsync();
            if (_released)
            {
                return;
            }

            try
            {
                await _lock._metrics.TimeRedisAsync(_lock._redis.GetDatabase().ScriptEvaluateAsync(RedisScripts.RefreshLockRelease, [_key],
                    [_owner, _lock._channel, "r:" + _sessionId]), "refresh_lock.release", _lock._storeTimeout, CancellationToken.None);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // Unreleased, the lock expires by itself within its lifetime.
            }
        }
    }

    private void Lost(string sessionId)
    {
        _metrics.LockLost();
        LogLost(_logger, sessionId);
    }

    [LoggerMessage(EventId = BffEventIds.RefreshLockLost, Level = LogLevel.Warning, Message = "Refresh lock of session {SessionId} could not be renewed")]
    private static partial void LogLost(ILogger logger, string sessionId);
}
