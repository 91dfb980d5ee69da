using Bff.Configuration;
using Bff.Redis;
using Bff.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Bff.Sessions;

/// <summary>
/// Confirms the cached sessions that requests use against Redis before they age out, in one pipelined round trip
/// for all that are due: a request that waits for Redis costs the instance far more than the read itself (a
/// suspended request, thread hand-offs, the whole payload copied and fingerprinted), and at thousands of sessions
/// most of a cache's misses were sessions in steady use coming to the end of their cache duration.
/// </summary>
/// <remarks>
/// Each confirmation reads a session's version and last use only; a session that changed or ended is dropped and read
/// in full by its next request, as is one no request used since its last read (so idle sessions age out as before:
/// at most one read per active session and cache duration). Nothing is revoked later than without it: an entry counts
/// as read when its confirmation was asked for, and an invalidation heard meanwhile removes the very entry confirmed.
/// A session is still read in full about once a minute (<see cref="SessionCache.CollectDue"/>).
/// A failed round just lets the entries age out; the store's own calls decide whether Redis is down.
/// </remarks>
internal sealed partial class SessionCacheRevalidator(
    RedisSessionCalls calls,
    RedisKeys keys,
    SessionCache cache,
    SessionStoreHealth health,
    IOptions<BffOptions> options,
    BffMetrics metrics,
    TimeProvider time,
    ILogger<SessionCacheRevalidator> logger) : BackgroundService
{
    /// <summary>The most sessions confirmed in one round trip; any others due wait for the next round.</summary>
    internal const int MaxPerRound = 10_000;

    private static readonly RedisValue[] Fields = ["v", "seen"];

    private readonly TimeSpan _duration = options.Value.Session.CacheDuration;
    private readonly TimeSpan _timeout = options.Value.SessionStoreTimeout;
    private readonly List<SessionCache.Due> _due = [];
    private bool _failing;

    /// <summary>
    /// How often due entries are collected: a tenth of the cache duration, between 50 ms and a second. Not finer: with
    /// <see cref="MinAge"/> two intervals before the end, a finer tick confirms later but leaves a loaded instance too
    /// little time to get its answer before the entries age out.
    /// </summary>
    internal TimeSpan Interval => TimeSpan.FromMilliseconds(Math.Clamp(_duration.TotalMilliseconds / 10, 50, 1000));

    /// <summary>
    /// The age from which a used entry is confirmed: late, so a session is read about once per cache duration, yet two
    /// rounds before it ages out, so one slow round trip does not turn into misses.
    /// </summary>
    internal TimeSpan MinAge => _duration - (2 * Interval);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_duration <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RevalidateAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One round: confirms every entry due now; how many were renewed.</summary>
    internal async Task<int> RevalidateAsync(CancellationToken cancellationToken)
    {
        _due.Clear();
        if (!health.IsAvailable)
        {
            return 0;
        }

        cache.CollectDue(MinAge, _due, MaxPerRound);
        if (_due.Count == 0)
        {
            return 0;
        }

        var askedAt = time.GetUtcNow();
        var batch = calls.Database.CreateBatch();
        var replies = new Task<RedisValue[]>[_due.Count];
        for (var i = 0; i < replies.Length; i++)
        {
            replies[i] = batch.HashGetAsync(keys.Session(_due[i].Id), Fields);
        }

        RedisValue[][] values;
        try
        {
            // Throws at once when no connection is available.
            batch.Execute();
            values = await metrics.TimeRedisAsync(RedisBatchReplies.AllAsync(replies), "revalidate", _timeout, cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            if (!_failing)
            {
                _failing = true;
                LogFailed(logger, _due.Count, ex.GetType().Name);
            }

            return 0;
        }

        _failing = false;
        var renewed = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var (version, seen) = (values[i][0], values[i][1]);
            if (version.IsNull || seen.IsNull || !version.TryParse(out long v) || !seen.TryParse(out long seenMs))
            {
                cache.Drop(_due[i]);
            }
            else if (cache.Confirm(_due[i], askedAt, v, DateTimeOffset.FromUnixTimeMilliseconds(seenMs)))
            {
                renewed++;
            }
        }

        _due.Clear();
        return renewed;
    }

    [LoggerMessage(EventId = BffEventIds.SessionCacheRevalidationFailed, Level = LogLevel.Warning,
        Message = "{Count} cached sessions could not be confirmed ({Reason}); they age out and are read again")]
    private static partial void LogFailed(ILogger logger, int count, string reason);
}
