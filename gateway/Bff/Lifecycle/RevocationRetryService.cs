using Bff.Redis;
using Bff.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bff.Lifecycle;

/// <summary>
/// Works through the <see cref="IRevocationQueue"/>: every second, or at once when something is queued for
/// now, it claims the due items and revokes them. A failure is rescheduled with a doubling delay (10 s up
/// to an hour, about three and a half hours in all) until <see cref="RefreshTokenRevoker.MaxAttempts"/>,
/// after which the token is left to expire at the IdP.
/// </summary>
internal sealed partial class RevocationRetryService(
    IRevocationQueue queue,
    RefreshTokenRevoker revoker,
    TimeProvider time,
    BffMetrics metrics,
    ILogger<RevocationRetryService> logger) : BackgroundService
{
    /// <summary>How often the queue's length is read for the gauge: a scrape interval's worth, not every pass.</summary>
    internal static readonly TimeSpan DepthInterval = TimeSpan.FromSeconds(10);

    private DateTimeOffset _nextDepth = DateTimeOffset.MinValue;

    internal const int BatchSize = 20;

    internal static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>How long a claimed item stays hidden from other instances: far longer than a batch of IdP calls takes.</summary>
    internal static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // A full batch suggests more are due: go on without waiting.
                while (await ProcessDueAsync(stoppingToken) == BatchSize)
                {
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Never let the loop die: an exception out of a BackgroundService stops the whole host.
                LogPassFailed(logger, (ex as SessionStoreUnavailableException)?.InnerException?.GetType().Name ?? ex.GetType().Name);
            }

            await revoker.WaitForWorkAsync(PollInterval, stoppingToken);
        }
    }

    /// <summary>One pass over the due items; the number claimed.</summary>
    internal async Task<int> ProcessDueAsync(CancellationToken cancellationToken)
    {
        if (time.GetUtcNow() >= _nextDepth)
        {
            _nextDepth = time.GetUtcNow() + DepthInterval;
            metrics.RevocationQueueDepth(await queue.CountAsync(cancellationToken));
        }

        var due = await queue.ClaimDueAsync(time.GetUtcNow(), BatchSize, Lease, cancellationToken);
        foreach (var item in due)
        {
            var attempt = item.FailedAttempts + 1;
            if (await revoker.TryRevokeAsync(item.RefreshToken, AttemptTimeout, item.Frontend))
            {
                await queue.CompleteAsync(item.Id, cancellationToken);
                LogRevoked(logger, item.SessionId, attempt);
            }
            else if (attempt >= RefreshTokenRevoker.MaxAttempts)
            {
                await queue.CompleteAsync(item.Id, cancellationToken);
                metrics.RevocationAbandoned();
                LogGaveUp(logger, item.SessionId, attempt);
            }
            else
            {
                var delay = RefreshTokenRevoker.RetryDelay(attempt);
                await queue.EnqueueAsync(item with { FailedAttempts = attempt }, time.GetUtcNow() + delay, cancellationToken);
                LogRetryScheduled(logger, item.SessionId, attempt, delay.TotalSeconds);
            }
        }

        return due.Count;
    }

    [LoggerMessage(EventId = BffEventIds.RevocationRetrySucceeded, Level = LogLevel.Information, Message = "Refresh token of session {SessionId} revoked at the IdP (attempt {Attempt})")]
    private static partial void LogRevoked(ILogger logger, string sessionId, int attempt);

    [LoggerMessage(EventId = BffEventIds.RevocationRetryScheduled, Level = LogLevel.Warning, Message = "Revoking the refresh token of session {SessionId} failed (attempt {Attempt}); next try in {DelaySeconds:F0} s")]
    private static partial void LogRetryScheduled(ILogger logger, string sessionId, int attempt, double delaySeconds);

    [LoggerMessage(EventId = BffEventIds.RevocationAbandoned, Level = LogLevel.Error, Message = "Gave up revoking the refresh token of session {SessionId} after {Attempt} attempts; it stays valid at the IdP until it expires")]
    private static partial void LogGaveUp(ILogger logger, string sessionId, int attempt);

    [LoggerMessage(EventId = BffEventIds.RevocationPassFailed, Level = LogLevel.Warning, Message = "Revocation queue pass failed ({Reason}); retrying")]
    private static partial void LogPassFailed(ILogger logger, string reason);
}
