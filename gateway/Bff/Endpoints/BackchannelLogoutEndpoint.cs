using Bff.Idp;
using Bff.Lifecycle;
using Bff.Problems;
using Bff.Redis;
using Bff.Sessions;
using Bff.Telemetry;
using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bff.Endpoints;

/// <summary>
/// <c>POST /bff/backchannel-logout</c> (OIDC Back-Channel Logout 1.0): the IdP, server to server, says an IdP
/// session or a user is logged out. With a <c>sid</c> only the gateway sessions born of that IdP session end
/// (and only the subject's, when the token names one); with only a <c>sub</c>, every session of the user.
/// 200 when the token is valid, whether or not anything matched; 400 for anything else, ending nothing.
/// </summary>
internal static partial class BackchannelLogoutEndpoint
{
    public static async Task HandleAsync(
        HttpContext context,
        LogoutTokenValidator validator,
        ILogoutTokenReplayCache replayCache,
        ISessionStore store,
        SessionTerminator revoker,
        ISecurityObserver security,
        ILoggerFactory loggerFactory)
    {
        using var activity = BffActivitySource.Instance.StartActivity(BffActivitySource.BackchannelLogout);
        try
        {
            await LogOutAsync(context, validator, replayCache, store, revoker, security, loggerFactory.CreateLogger("Bff.Endpoints.BackchannelLogout"), activity);
        }
        catch (Exception ex) when (activity is not null)
        {
            activity.SetTag("error.type", ex.GetType().Name).SetStatus(ActivityStatusCode.Error);
            throw;
        }
    }

    private static async Task LogOutAsync(
        HttpContext context,
        LogoutTokenValidator validator,
        ILogoutTokenReplayCache replayCache,
        ISessionStore store,
        SessionTerminator revoker,
        ISecurityObserver security,
        ILogger logger,
        Activity? activity)
    {
        var token = await ReadLogoutTokenAsync(context);
        if (token is null)
        {
            Refused(logger, activity, "not_a_form_with_one_logout_token");
            await BadRequestAsync(context, "Expected a form POST (application/x-www-form-urlencoded) with one logout_token.");
            return;
        }

        LogoutToken? logout;
        string? error;
        try
        {
            (logout, error) = await validator.ValidateAsync(token, context.RequestAborted);
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested && IdpFailure.IsUnavailable(ex))
        {
            LogKeysUnavailable(logger, ex.GetType().Name);
            activity?.SetTag("error.type", "idp_unavailable").SetStatus(ActivityStatusCode.Error);
            await BffProblem.IdpUnavailableAsync(context);
            return;
        }

        if (logout is null)
        {
            Refused(logger, activity, error ?? "invalid");
            await BadRequestAsync(context, "The logout token is not valid.");
            return;
        }

        // Read before the jti is spent, so a store outage here leaves the IdP free to send the token again.
        var ids = await FindSessionsAsync(store, logout, context.RequestAborted);
        if (!await replayCache.TryAddAsync(logout, context.RequestAborted))
        {
            Refused(logger, activity, "replayed_jti");
            security.LogoutTokenReplayed(logout.Issuer, logout.Subject);
            await BadRequestAsync(context, "The logout token was already used.");
            return;
        }

        var ended = 0;
        try
        {
            foreach (var id in ids)
            {
                if (await revoker.EndAsync(id, "backchannel", RevocationTiming.Background) is not null)
                {
                    ended++;
                }
            }
        }
        catch (SessionStoreUnavailableException)
        {
            await TryForgetAsync(replayCache, logout);
            throw;
        }

        LogEnded(logger, ended, logout.IdpSessionId is null ? "sub" : "sid");
        activity?.SetTag("bff.sessions.ended", ended);
        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    private static async Task<IReadOnlyList<string>> FindSessionsAsync(ISessionStore store, LogoutToken logout, CancellationToken cancellationToken)
    {
        if (logout.IdpSessionId is null)
        {
            return (await store.ListBySubjectAsync(logout.Subject!, cancellationToken)).Select(s => s.Id).ToArray();
        }

        var ids = await store.FindByIdpSessionAsync(logout.IdpSessionId, cancellationToken);
        if (logout.Subject is null)
        {
            return ids;
        }

        // Both named: a sid that somehow points at another user's session must not end it.
        var matching = new List<string>(ids.Count);
        foreach (var id in ids)
        {
            if (await store.GetFreshAsync(id, cancellationToken) is { } session && session.Subject == logout.Subject)
            {
                matching.Add(id);
            }
        }

        return matching;
    }

    private static async Task TryForgetAsync(ILogoutTokenReplayCache replayCache, LogoutToken logout)
    {
        try
        {
            await replayCache.RemoveAsync(logout, CancellationToken.None);
        }
        catch (SessionStoreUnavailableException)
        {
            // Redis is down: the jti stays spent until it expires, a few minutes at most.
        }
    }

    // A refusal ends no session: the span says why, as an error, since the IdP's logout did not take effect here.
    private static void Refused(ILogger logger, Activity? activity, string reason)
    {
        LogRefused(logger, reason);
        activity?.SetTag("error.type", reason).SetStatus(ActivityStatusCode.Error);
    }

    private static Task BadRequestAsync(HttpContext context, string title) =>
        BffProblem.WriteAsync(context, StatusCodes.Status400BadRequest, BffProblem.BadRequest, title);

    [LoggerMessage(EventId = BffEventIds.BackchannelLogoutRefused, Level = LogLevel.Warning, Message = "Back-channel logout refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = BffEventIds.BackchannelLogoutEnded, Level = LogLevel.Information, Message = "Back-channel logout ended {Count} session(s), matched by {MatchedBy}")]
    private static partial void LogEnded(ILogger logger, int count, string matchedBy);

    [LoggerMessage(EventId = BffEventIds.BackchannelLogoutKeysUnavailable, Level = LogLevel.Error, Message = "Back-channel logout: the IdP's signing keys could not be loaded ({Reason})")]
    private static partial void LogKeysUnavailable(ILogger logger, string reason);
}
