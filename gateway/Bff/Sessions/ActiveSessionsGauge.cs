using Bff.Configuration;
using Bff.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bff.Sessions;

/// <summary>
/// Feeds <c>bff.sessions.active</c>: every <see cref="Interval"/> it asks the store how many live sessions each
/// frontend has (one command per frontend with Redis) and keeps the answer for the gauge, so neither a scrape nor a
/// request ever waits for Redis. Every instance counts the whole store, so the instances report the same figure.
/// </summary>
internal sealed partial class ActiveSessionsGauge(
    ISessionStore store,
    BffMetrics metrics,
    IOptions<BffOptions> options,
    TimeProvider time,
    ILogger<ActiveSessionsGauge> logger) : BackgroundService
{
    /// <summary>How often the sessions are counted: a scrape interval's worth.</summary>
    internal static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private readonly string[] _frontends = FrontendsOf(options.Value);

    private bool _failing;

    /// <summary>The names the gauge reports: the default frontend's (empty) when there is one, then each of <c>Bff:Frontends</c>.</summary>
    internal static string[] FrontendsOf(BffOptions options)
    {
        var named = options.Frontends.Select(f => f.Name);
        return options.HasDefaultFrontend ? ["", .. named] : [.. named];
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            do
            {
                await RefreshAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Counts every frontend's sessions; on a failure the gauge keeps the last counts.</summary>
    internal async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var counts = new (string Frontend, long Count)[_frontends.Length];
        try
        {
            for (var i = 0; i < _frontends.Length; i++)
            {
                counts[i] = (_frontends[i], await store.CountActiveAsync(_frontends[i], cancellationToken));
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Once per outage: Redis failing is reported by the requests it fails, every ten seconds would add nothing.
            if (!_failing)
            {
                _failing = true;
                LogCountFailed(logger, ex.GetType().Name);
            }

            return;
        }

        _failing = false;
        metrics.ActiveSessions(counts);
    }

    [LoggerMessage(EventId = BffEventIds.ActiveSessionsCountFailed, Level = LogLevel.Warning,
        Message = "Active sessions could not be counted ({Reason}); bff.sessions.active keeps its last value until they can")]
    private static partial void LogCountFailed(ILogger logger, string reason);
}
