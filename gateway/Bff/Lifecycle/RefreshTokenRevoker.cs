using Bff.Idp;
using Bff.Redis;
using Bff.Telemetry;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Bff.Lifecycle;

/// <summary>
/// Revokes the refresh tokens of ended sessions at the IdP (RFC 7009). A revocation that fails is put in the
/// <see cref="IRevocationQueue"/> and retried by <see cref="RevocationRetryService"/> with backoff, a bounded
/// number of times. Nothing here can keep a session alive: callers delete the session first.
/// </summary>
internal sealed partial class RefreshTokenRevoker(
    IdpTokenClient idp,
    IRevocationQueue queue,
    TimeProvider time,
    BffMetrics metrics,
    ILogger<RefreshTokenRevoker> logger,
    IdpClients? clients = null)
{
    /// <summary>How long a user-facing call (logout, deleting a session) waits for the IdP before leaving it to the queue.</summary>
    internal static readonly TimeSpan InlineTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Attempts in all, the first one included; after the last the token is left to expire.</summary>
    internal const int MaxAttempts = 12;

    internal static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(10);
    internal static readonly TimeSpan MaxRetryDelay = TimeSpan.FromHours(1);

    private readonly SemaphoreSlim _work = new(0, 1);

    /// <summary>Revokes now; on failure queues a retry. True when the IdP confirmed.</summary>
    /// <param name="sessionId">The ended session.</param>
    /// <param name="refreshToken">Its refresh token.</param>
    /// <param name="frontend">Its frontend, whose client the token was issued to (null: the top-level client).</param>
    public async Task<bool> RevokeNowAsync(string sessionId, string refreshToken, string? frontend = null)
    {
        if (await TryRevokeAsync(refreshToken, InlineTimeout, frontend))
        {
            LogRevoked(logger, sessionId);
            return true;
        }

        LogRevocationQueued(logger, sessionId);
        await EnqueueAsync(new PendingRevocation(NewId(), sessionId, refreshToken, FailedAttempts: 1, frontend), time.GetUtcNow() + RetryDelay(1));
        return false;
    }

    /// <summary>Leaves the revocation to the background service, which starts on it at once.</summary>
    public async Task RevokeLaterAsync(string sessionId, string refreshToken, string? frontend = null)
    {
        await EnqueueAsync(new PendingRevocation(NewId(), sessionId, refreshToken, FailedAttempts: 0, frontend), time.GetUtcNow());
        Signal();
    }

    /// <summary>One call to the IdP, whatever goes wrong (timeout, open circuit, bad discovery) reported as false.</summary>
    internal async Task<bool> TryRevokeAsync(string refreshToken, TimeSpan timeout, string? frontend = null)
    {
        using var cancellation = new CancellationTokenSource(timeout, time);
        using var activity = BffActivitySource.Instance.StartActivity(BffActivitySource.Revocation);
        bool revoked;
        string? error = null;
        try
        {
            revoked = clients is null
                ? await idp.RevokeAsync(refreshToken, "refresh_token", cancellation.Token)
                : await idp.RevokeAsync(clients.For(frontend), refreshToken, "refresh_token", cancellation.Token);
        }
        catch (Exception ex)
        {
            LogAttemptFailed(logger, ex.GetType().Name);
            revoked = false;
            error = ex.GetType().Name;
        }

        metrics.RevocationAttempt(revoked);
        activity?.SetTag("bff.revocation.outcome", revoked ? "success" : "failure");
        if (!revoked)
        {
            // The IdP's client reports an error answer or an IdP it could not reach as false; anything else throws.
            activity?.SetTag("error.type", error).SetStatus(ActivityStatusCode.Error);
        }

        return revoked;
    }

    /// <summary>The wait before the attempt that follows <paramref name="failedAttempts"/> failures: doubling, capped, with jitter.</summary>
    internal static TimeSpan RetryDelay(int failedAttempts)
    {
        var doubling = Math.Min(failedAttempts - 1, 20);
        var delay = TimeSpan.FromTicks(Math.Min(FirstRetryDelay.Ticks << doubling, MaxRetryDelay.Ticks));
        // Up to 10% more, so the revocations of one IdP outage do not all come back in the same second.
        return delay + (delay * (Random.Shared.NextDouble() * 0.1));
    }

    /// <summary>Wakes the background service early; a pending signal is kept until it looks.</summary>
    internal void Signal()
    {
        try
        {
            _work.Release();
        }
        catch (SemaphoreFullException)
        {
        }
    }

    /// <summary>Waits for <see cref="Signal"/> or <paramref name="timeout"/>, whichever is first.</summary>
    internal async Task WaitForWorkAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var signalled = _work.WaitAsync(stop.Token);
        var elapsed = Task.Delay(timeout, time, stop.Token);
        await Task.WhenAny(signalled, elapsed);
        await stop.CancelAsync();
        try
        {
            await Task.WhenAll(signalled, elapsed);
        }
        catch (OperationCanceledException)
        {
        }
    }

    internal async Task EnqueueAsync(PendingRevocation item, DateTimeOffset dueAt)
    {
        try
        {
            if (!await queue.EnqueueAsync(item, dueAt, CancellationToken.None))
            {
                LogQueueFull(logger, item.SessionId);
            }
        }
        catch (SessionStoreUnavailableException ex)
        {
            // The session is gone already; only the defence in depth of revoking its grant is lost.
            LogQueueUnavailable(logger, item.SessionId, ex.InnerException?.GetType().Name ?? ex.GetType().Name);
        }
    }

    private static string NewId() => Guid.NewGuid().ToString("N");

    [LoggerMessage(EventId = BffEventIds.RefreshTokenRevoked, Level = LogLevel.Debug, Message = "Refresh token of session {SessionId} revoked at the IdP")]
    private static partial void LogRevoked(ILogger logger, string sessionId);

    [LoggerMessage(EventId = BffEventIds.RevocationQueued, Level = LogLevel.Warning, Message = "Refresh token of session {SessionId} could not be revoked now; queued for retry")]
    private static partial void LogRevocationQueued(ILogger logger, string sessionId);

    [LoggerMessage(EventId = BffEventIds.RevocationAttemptFailed, Level = LogLevel.Warning, Message = "Token revocation attempt failed: {Reason}")]
    private static partial void LogAttemptFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = BffEventIds.RevocationQueueFull, Level = LogLevel.Error, Message = "Revocation queue full: the refresh token of session {SessionId} will not be revoked")]
    private static partial void LogQueueFull(ILogger logger, string sessionId);

    [LoggerMessage(EventId = BffEventIds.RevocationQueueUnavailable, Level = LogLevel.Error, Message = "Revocation queue unavailable ({Reason}): the refresh token of session {SessionId} will not be revoked")]
    private static partial void LogQueueUnavailable(ILogger logger, string sessionId, string reason);
}
