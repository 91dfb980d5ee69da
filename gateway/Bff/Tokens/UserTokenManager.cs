using Bff.Configuration;
using Bff.Idp;
using Bff.Sessions;
using Bff.Telemetry;
using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bff.Tokens;

/// <summary>
/// Hands out a session's access token, refreshing it when it expires within
/// <c>Bff:Tokens:RefreshBeforeExpiry</c>. Per session at most one refresh runs at a time across every
/// instance: concurrent requests of this instance share one flight, and flights of different instances
/// take turns through <see cref="IRefreshLock"/>. A flight always starts from the session as stored, and
/// writes with a version check, so a stale reader can neither replay a rotated refresh token nor
/// overwrite newer tokens.
/// </summary>
internal sealed partial class UserTokenManager(
    ISessionStore store,
    IdpTokenClient idp,
    IRefreshLock refreshLock,
    RefreshWaiters signals,
    IOptions<BffOptions> options,
    BffMetrics metrics,
    TimeProvider time,
    ILogger<UserTokenManager> logger)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly ConcurrentDictionary<string, Task<AccessTokenResult>> _flights = new(StringComparer.Ordinal);
    private readonly BffOptions _options = options.Value;

    public bool NeedsRefresh(TokenSet tokens) =>
        tokens.AccessTokenExpiresAt - time.GetUtcNow() <= _options.Tokens.RefreshBeforeExpiry;

    private bool IsExpired(TokenSet tokens) => time.GetUtcNow() >= tokens.AccessTokenExpiresAt;

    public async ValueTask<AccessTokenResult> GetAsync(BffSession session, CancellationToken cancellationToken)
    {
        if (!NeedsRefresh(session.Tokens))
        {
            return AccessTokenResult.Usable(session);
        }

        var result = await JoinFlightAsync(session).WaitAsync(cancellationToken);

        // An IdP outage ends nothing: the current token is used for as long as it is valid.
        if (result.Status == AccessTokenStatus.IdpUnavailable && !IsExpired(session.Tokens))
        {
            return AccessTokenResult.Usable(session);
        }

        return result;
    }

    private Task<AccessTokenResult> JoinFlightAsync(BffSession session)
    {
        var mine = new TaskCompletionSource<AccessTokenResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var flight = _flights.GetOrAdd(session.Id, mine.Task);
        if (flight == mine.Task)
        {
            _ = FlyAsync(session, mine);
        }

        return flight;
    }

    // Not tied to any one request: the requests that joined must all get the result.
    private async Task FlyAsync(BffSession session, TaskCompletionSource<AccessTokenResult> completion)
    {
        AccessTokenResult result = default;
        Exception? failure = null;
        try
        {
            result = await RefreshAsync(session.Id, session.Version);
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        // Leave the table before completing: a request that arrives after the result must start a new
        // flight, not be handed this one's (possibly already outdated) answer.
        _flights.TryRemove(new KeyValuePair<string, Task<AccessTokenResult>>(session.Id, completion.Task));
        if (failure is null)
        {
            completion.TrySetResult(result);
        }
        else
        {
            completion.TrySetException(failure);
        }
    }

    private async Task<AccessTokenResult> RefreshAsync(string id, long startVersion)
    {
        var deadline = time.GetUtcNow() + _options.Tokens.IdpTimeout + (2 * _options.Tokens.RefreshLockLifetime);
        var waitStarted = Stopwatch.GetTimestamp();
        var waited = false;
        while (true)
        {
            var signal = signals.Register(id);
            var (done, result) = await CheckStoredAsync(id, startVersion);
            if (done)
            {
                RecordWait(waited, waitStarted);
                return result;
            }

            await using (var held = await refreshLock.TryAcquireAsync(id, CancellationToken.None))
            {
                if (held is not null)
                {
                    RecordWait(waited, waitStarted);

                    // The previous holder may have saved new tokens just before it released the lock.
                    (done, result) = await CheckStoredAsync(id, startVersion);
                    return done ? result : await RefreshHeldAsync(id);
                }
            }

            var remaining = deadline - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                LogWaitTimedOut(logger, id);
                RecordWait(waited, waitStarted);
                return AccessTokenResult.IdpUnavailable;
            }

            waited = true;
            await Task.WhenAny(signal, Task.Delay(remaining < PollInterval ? remaining : PollInterval, time));
        }
    }

    /// <summary>Is a refresh still needed, judging by the session as stored?</summary>
    private async Task<(bool Done, AccessTokenResult Result)> CheckStoredAsync(string id, long startVersion)
    {
        var stored = await store.GetFreshAsync(id, CancellationToken.None);
        if (stored is null)
        {
            return (true, AccessTokenResult.SessionEnded);
        }

        // Someone refreshed since this flight began: take their tokens even when the IdP's lifetime is
        // shorter than RefreshBeforeExpiry, or every request would refresh again.
        if ((stored.Version > startVersion && !IsExpired(stored.Tokens)) || !NeedsRefresh(stored.Tokens))
        {
            if (stored.Version > startVersion)
            {
                metrics.Refresh("reused");
            }

            return (true, AccessTokenResult.Usable(stored));
        }

        if (stored.Tokens.RefreshToken is null)
        {
            // Nothing to refresh with: usable until it expires, then the session is over.
            return IsExpired(stored.Tokens)
                ? (true, await EndAsync(id, "expired"))
                : (true, AccessTokenResult.Usable(stored));
        }

        return (false, default);
    }

    private async Task<AccessTokenResult> RefreshHeldAsync(string id)
    {
        var session = await store.GetFreshAsync(id, CancellationToken.None);
        if (session?.Tokens.RefreshToken is not { } refreshToken)
        {
            return AccessTokenResult.SessionEnded;
        }

        // An earlier holder may have used this very refresh token and died before saving the result.
        if (await RecoverAsync(session, refreshToken) is { } recovered)
        {
            return recovered;
        }

        var response = await idp.RefreshAsync(session.Tokens, CancellationToken.None);
        switch (response.Outcome)
        {
            case IdpTokenOutcome.Success:
                var write = await store.TryUpdateTokensAsync(id, session.Version, response.Tokens!, refreshToken, CancellationToken.None);
                if (write.Outcome == TokenWriteOutcome.Written)
                {
                    metrics.Refresh("success");
                    LogRefreshed(logger, id);
                    return AccessTokenResult.Usable(session with { Tokens = response.Tokens!, Version = write.Version });
                }

                if (write.Outcome == TokenWriteOutcome.SessionMissing)
                {
                    // Ended (logout) while the IdP answered: the new grant must not outlive it.
                    await idp.RevokeAsync(response.Tokens!.RefreshToken ?? response.Tokens.AccessToken, "refresh_token", CancellationToken.None);
                    return AccessTokenResult.SessionEnded;
                }

                var current = await store.GetFreshAsync(id, CancellationToken.None);
                return current is null ? AccessTokenResult.SessionEnded : UsableUnlessExpired(current);

            case IdpTokenOutcome.InvalidGrant:
                if (await RecoverAsync(session, refreshToken) is { } late)
                {
                    return late;
                }

                metrics.Refresh("invalid_grant");
                return await EndAsync(id, "invalid_grant");

            default:
                metrics.Refresh("idp_unavailable");
                return AccessTokenResult.IdpUnavailable;
        }
    }

    private async Task<AccessTokenResult?> RecoverAsync(BffSession session, string refreshToken)
    {
        var grace = await store.GetGraceTokensAsync(session.Id, refreshToken, CancellationToken.None);
        if (grace is null)
        {
            return null;
        }

        var write = await store.TryUpdateTokensAsync(session.Id, session.Version, grace, replacedRefreshToken: null, CancellationToken.None);
        metrics.RaceRecovered();
        LogRecovered(logger, session.Id);
        if (write.Outcome == TokenWriteOutcome.Written)
        {
            return UsableUnlessExpired(session with { Tokens = grace, Version = write.Version });
        }

        var current = await store.GetFreshAsync(session.Id, CancellationToken.None);
        return current is null ? AccessTokenResult.SessionEnded : UsableUnlessExpired(current);
    }

    // Tokens this flight did not get from the IdP itself (a grace entry up to a minute old, another writer's)
    // can have expired by now, and an expired token is never forwarded. The session keeps them, refresh token
    // included, so the request after the Retry-After renews from there.
    private AccessTokenResult UsableUnlessExpired(BffSession session) =>
        IsExpired(session.Tokens) ? AccessTokenResult.IdpUnavailable : AccessTokenResult.Usable(session);

    private async Task<AccessTokenResult> EndAsync(string id, string reason)
    {
        if (await store.DeleteAsync(id, CancellationToken.None) is not null)
        {
            metrics.SessionEnded(reason);
            LogEnded(logger, id, reason);
        }

        return AccessTokenResult.SessionEnded;
    }

    private void RecordWait(bool waited, long started)
    {
        if (waited)
        {
            metrics.LockWait(Stopwatch.GetElapsedTime(started));
        }
    }

    [LoggerMessage(EventId = 2201, Level = LogLevel.Information, Message = "Tokens of session {SessionId} refreshed")]
    private static partial void LogRefreshed(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Information, Message = "Session {SessionId} ended: {Reason}")]
    private static partial void LogEnded(ILogger logger, string sessionId, string reason);

    [LoggerMessage(EventId = 2203, Level = LogLevel.Warning, Message = "Session {SessionId} recovered the result of an earlier refresh of the same refresh token")]
    private static partial void LogRecovered(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 2204, Level = LogLevel.Warning, Message = "Gave up waiting for another refresh of session {SessionId}")]
    private static partial void LogWaitTimedOut(ILogger logger, string sessionId);
}
