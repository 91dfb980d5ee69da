using Bff.Idp;
using Bff.Routes;
using Bff.Sessions;
using Bff.Telemetry;
using Microsoft.Extensions.Logging;

namespace Bff.Tokens;

/// <summary>
/// Tokens a refresh takes rather than gets from the IdP: the grace entry of a refresh token that an earlier holder
/// (here or on another instance) already used is written to the session instead of sending that token again, and
/// such tokens are forwarded only while they are still valid.
/// </summary>
internal sealed partial class StoredTokenRefresher
{
    /// <summary>The session after taking the grace entry of <paramref name="refreshToken"/>, if there is one.</summary>
    private async Task<Recovered?> RecoverAsync(BffSession session, string refreshToken)
    {
        var grace = await store.GetGraceTokensAsync(session.Id, refreshToken, CancellationToken.None);
        return grace is null ? null : await TakeGraceAsync(session, grace);
    }

    private async Task<Recovered> TakeGraceAsync(BffSession session, TokenSet grace)
    {
        var write = await store.TryUpdateTokensAsync(session, grace, replacedRefreshToken: null, CancellationToken.None);
        metrics.RaceRecovered();
        LogRecovered(logger, session.Id);
        return write.Outcome == TokenWriteOutcome.Written
            ? new Recovered(session with { Tokens = grace, Version = write.Version })
            : new Recovered(await store.GetFreshAsync(session.Id, CancellationToken.None));
    }

    private AccessTokenResult Answer(Recovered recovered, TokenAudience? audience) =>
        recovered.Session is null ? AccessTokenResult.SessionEnded : UsableUnlessExpired(recovered.Session, audience);

    // Tokens this flight did not get from the IdP itself (a grace entry up to a minute old, another writer's)
    // can have expired by now, and an expired token is never forwarded. The session keeps them, refresh token
    // included, so the request after the Retry-After renews from there.
    private AccessTokenResult UsableUnlessExpired(BffSession session, TokenAudience? audience) =>
        AudienceTokens.Of(session.Tokens, audience) is { } token && time.GetUtcNow() < token.ExpiresAt
            ? AccessTokenResult.Usable(session, token.Token)
            : AccessTokenResult.IdpUnavailable;

    [LoggerMessage(EventId = BffEventIds.RefreshRecovered, Level = LogLevel.Warning, Message = "Session {SessionId} recovered the result of an earlier refresh of the same refresh token")]
    private static partial void LogRecovered(ILogger logger, string sessionId);

    /// <summary>What a grace entry left: the session with its tokens, or null when the session has ended.</summary>
    private sealed record Recovered(BffSession? Session);
}
