using Bff.Configuration;
using Bff.Idp;
using Bff.Routes;
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
/// overwrite newer tokens. A route may ask for a token for its own API (<see cref="TokenAudience"/>): it is got with
/// the session's one refresh token, so it takes turns with every other refresh of the session, on the same lock.
/// </summary>
internal sealed partial class UserTokenManager(
    StoredTokenRefresher refresher,
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

    public ValueTask<AccessTokenResult> GetAsync(BffSession session, CancellationToken cancellationToken) =>
        GetAsync(session, null, cancellationToken);

    /// <param name="session">The request's session.</param>
    /// <param name="audience">The route's API and scope; null for the session's own token.</param>
    /// <param name="cancellationToken">Ends this request's wait (not the refresh others may wait for).</param>
    public async ValueTask<AccessTokenResult> GetAsync(BffSession session, TokenAudience? audience, CancellationToken cancellationToken)
    {
        if (audience is null)
        {
            if (!refresher.NeedsRefresh(session.Tokens))
            {
                return AccessTokenResult.Usable(session);
            }
        }
        else if (session.Tokens.Find(audience.Resource, audience.Scope) is { } token && !refresher.NeedsRefresh(session.Tokens, audience))
        {
            return AccessTokenResult.Usable(session, token.Bearer);
        }

        var result = await JoinFlightAsync(session, audience).WaitAsync(cancellationToken);

        // An IdP outage ends nothing: the current token is used for as long as it is valid.
        if (result.Status == AccessTokenStatus.IdpUnavailable && !refresher.IsExpired(session.Tokens, audience))
        {
            return AccessTokenResult.Usable(session, AudienceTokens.Of(session.Tokens, audience)!.Value.Token);
        }

        return result;
    }

    private Task<AccessTokenResult> JoinFlightAsync(BffSession session, TokenAudience? audience)
    {
        var mine = new TaskCompletionSource<AccessTokenResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        // One flight per token on this instance; flights for different tokens of one session still take turns on
        // the session's lock.
        var key = audience is null ? session.Id : session.Id + "\n" + audience.Key;
        var flight = _flights.GetOrAdd(key, mine.Task);
        if (flight == mine.Task)
        {
            _ = FlyAsync(session, audience, key, mine);
        }

        return flight;
    }

    // Not tied to any one request: the requests that joined must all get the result, and get it once: the holder
    // hands it out before the lock's release, so a release that fails afterwards changes nothing for them.
    private async Task FlyAsync(BffSession session, TokenAudience? audience, string key, TaskCompletionSource<AccessTokenResult> completion)
    {
        using var activity = BffActivitySource.Instance.StartActivity(BffActivitySource.TokenRefresh);

        // The span ends and the flight leaves the table before its requests go on: a request that arrives after the
        // result must start a new flight, not be handed this one's (possibly already outdated) answer.
        void Complete(AccessTokenResult result, Exception? failure = null)
        {
            if (completion.Task.IsCompleted)
            {
                return;
            }

            if (activity is not null)
            {
                TagResult(activity, result, failure);
                activity.Stop();
            }

            _flights.TryRemove(new KeyValuePair<string, Task<AccessTokenResult>>(key, completion.Task));
            if (failure is null)
            {
                completion.TrySetResult(result);
            }
            else
            {
                completion.TrySetException(failure);
            }
        }

        try
        {
            Complete(await RefreshAsync(session.Id, audience, AudienceTokens.Of(session.Tokens, audience)?.Token, session.Tokens.RefreshToken,
                activity, result => Complete(result)));
        }
        catch (Exception ex)
        {
            Complete(default, ex);
        }
    }

    // holderResult gets the result as soon as this flight has it under the lock, before the lock's release.
    private async Task<AccessTokenResult> RefreshAsync(string id, TokenAudience? audience, BearerToken? startToken, string? startRefreshToken,
        Activity? activity, Action<AccessTokenResult> holderResult)
    {
        var deadline = time.GetUtcNow() + _options.Tokens.IdpTimeout + (2 * _options.Tokens.RefreshLockLifetime);
        var waitStarted = Stopwatch.GetTimestamp();
        var waited = false;
        while (true)
        {
            using var signal = signals.Register(id);

            // The read is asked right behind the lock, on the same connection, so the store runs it after the lock is
            // taken: a flight that gets the lock (nearly every one) reads under it in the lock's own round trip. One
            // that does not may find in it what the holder that kept it out has saved already. The first turn asks there the
            // check before the send, for the refresh token the flight started from (later turns follow a replaced one).
            var named = waited ? null : refreshLock.TryAcquireNamed(id);
            var acquiring = named?.Acquiring ?? refreshLock.TryAcquireAsync(id, CancellationToken.None);
            var reading = refresher.ReadStoredAsync(id);
            var ahead = named is { Owner: var owner } ? refresher.CheckSendBesideLock(id, startRefreshToken, owner) : null;
            await using (var held = await AcquireBesideAsync(acquiring, reading))
            {
                var stored = await reading;
                if (held is not null)
                {
                    RecordWait(waited, waitStarted);

                    // The previous holder may have saved new tokens just before it released the lock. The refresh
                    // starts from this read: nobody else writes the tokens while the lock is held.
                    var check = await refresher.CheckStoredAsync(stored, audience, startToken);
                    activity?.SetTag("bff.token.lock_waited", waited).SetTag("bff.token.refreshed_here", !check.Done);
                    var result = check.Done ? check.Result : await refresher.RefreshHeldAsync(check.Stored!, audience, held, ahead);

                    // What was refreshed is saved: the flight's requests need not wait for the release's round trip.
                    holderResult(result);
                    return result;
                }

                var seen = await refresher.CheckStoredAsync(stored, audience, startToken);
                if (seen.Done)
                {
                    RecordWait(waited, waitStarted);
                    activity?.SetTag("bff.token.lock_waited", waited).SetTag("bff.token.refreshed_here", false);
                    return seen.Result;
                }
            }

            var remaining = deadline - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                LogWaitTimedOut(logger, id);
                metrics.LockWaitTimedOut();
                RecordWait(waited, waitStarted);
                activity?.SetTag("bff.token.lock_waited", waited).SetTag("bff.token.lock_wait_timed_out", true);
                return AccessTokenResult.IdpUnavailable;
            }

            waited = true;
            await Task.WhenAny(signal.Task, Task.Delay(remaining < PollInterval ? remaining : PollInterval, time));
        }
    }

    // The read was asked beside the lock: when taking the lock fails, the read's own failure is observed, not left behind.
    private static async Task<IAsyncDisposable?> AcquireBesideAsync(Task<IAsyncDisposable?> acquiring, Task reading)
    {
        try
        {
            return await acquiring;
        }
        catch
        {
            _ = reading.ContinueWith(static t => _ = t.Exception, CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }
    }
}
