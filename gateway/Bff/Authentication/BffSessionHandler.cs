using Bff.Configuration;
using Bff.Frontends;
using Bff.Http;
using Bff.Idp;
using Bff.Lifecycle;
using Bff.Problems;
using Bff.Redis;
using Bff.Sessions;
using Bff.Telemetry;
using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bff.Authentication;

/// <summary>
/// The authentication scheme behind the session cookie: sign-in (called by the OIDC handler after the
/// callback) creates a server-side session; authenticate reads it back; challenge answers 401
/// problem+json, never a redirect, because its callers are XHRs.
/// </summary>
internal sealed partial class BffSessionHandler(
    IOptionsMonitor<BffSessionSchemeOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ISessionStore store,
    SessionCookie cookie,
    SessionAuthenticator authenticator,
    SessionTerminator terminator,
    IOptions<BffOptions> bffOptions,
    BffMetrics metrics,
    TimeProvider time,
    ISecurityObserver security,
    FrontendCatalog? frontends = null) : SignInAuthenticationHandler<BffSessionSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    // Protocol claims of the ID token that say nothing about the user.
    private static readonly HashSet<string> DroppedClaims =
        new(StringComparer.Ordinal) { "nonce", "at_hash", "c_hash", "s_hash", "iat", "exp", "nbf", "aud", "azp", "iss" };

    private readonly BffOptions _options = bffOptions.Value;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync() =>
        // The middleware already authenticated this request when it left a success behind.
        Context.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult is { Succeeded: true } result
            && Context.Features.Get<BffSessionFeature>() is not null
            ? Task.FromResult(result)
            : authenticator.AuthenticateAsync(Context).AsTask();

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        if (result.Failure is SessionStoreUnavailableException)
        {
            await BffProblem.SessionStoreUnavailableAsync(Context);
            return;
        }

        await SessionEndedProblem.WriteAsync(Context, expired: result.Failure is SessionFailure { GenuineCookie: true });
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        BffProblem.WriteAsync(Context, StatusCodes.Status403Forbidden, BffProblem.Forbidden, "Forbidden.");

    protected override async Task HandleSignInAsync(ClaimsPrincipal user, AuthenticationProperties? properties)
    {
        var accessToken = properties?.GetTokenValue("access_token")
            ?? throw new InvalidOperationException("The identity provider returned no access token.");
        var subject = user.FindFirst("sub")?.Value
            ?? throw new InvalidOperationException("The ID token has no sub claim.");

        // The session is the frontend's whose callback this is: its cookie, its lifetime.
        var frontend = frontends?.Of(Context);
        var client = frontend?.Client ?? _options;

        // A login never adopts an earlier session: the old one in this browser ends here, and its grant
        // with it (in the background, so the login does not wait for the IdP).
        var previous = await cookie.TryReadHandleAsync(CookieHeader.ValueOf(Request.Headers.Cookie, client.Cookie.Name), Context.RequestAborted);
        if (previous is not null)
        {
            await terminator.EndAsync(previous, "replaced", RevocationTiming.Background);
        }

        var now = time.GetUtcNow();
        var secret = SessionCookie.NewSecret();
        var session = new BffSession
        {
            Id = SessionCookie.HandleOf(secret),
            Subject = subject,
            IdpSessionId = user.FindFirst("sid")?.Value,
            Claims = user.Claims
                .Where(c => !DroppedClaims.Contains(c.Type))
                .Select(c => new SessionClaim(c.Type, c.Value))
                .ToArray(),
            Tokens = new TokenSet(
                accessToken,
                properties!.GetTokenValue("refresh_token"),
                ParseExpiry(properties.GetTokenValue("expires_at"), now),
                IssuedAt: now),
            CreatedAt = now,
            LastSeenAt = now,
            AbsoluteExpiresAt = now + client.Session.AbsoluteLifetime,
            IdleTimeout = client.Session.IdleTimeout,
            UserAgent = Truncate(Request.Headers.UserAgent.ToString(), 512),
            IpAddress = Context.Connection.RemoteIpAddress?.ToString(),
            Version = 1,
            Frontend = frontend is null || frontend.IsDefault ? null : frontend.Name,
        };

        var beyondLimit = await store.CreateAsync(session, Context.RequestAborted);
        // From here the session is this request's: should the callback fail before its cookie reaches the
        // browser, the authentication middleware finds it here and deletes it.
        Context.Features.Set(new BffSessionFeature(session));
        cookie.Append(Context, client.Cookie, cookie.Protect(secret), session.AbsoluteExpiresAt);
        metrics.SessionCreated();
        LogSessionCreated(Logger, session.Id);
        await security.SignedInAsync(Context, session.Id, subject, Context.RequestAborted);

        // The user's oldest sessions make room, grants and all, so that whoever holds the user's IdP session cannot
        // pile up sessions without end.
        foreach (var id in beyondLimit)
        {
            if (await terminator.EndAsync(id, "evicted", RevocationTiming.Background) is not null)
            {
                LogSessionLimitReached(Logger, _options.Session.MaxSessionsPerUser, session.Id, id);
            }
        }
    }

    protected override async Task HandleSignOutAsync(AuthenticationProperties? properties)
    {
        var client = frontends?.Of(Context)?.Client ?? _options;
        var id = await cookie.TryReadHandleAsync(CookieHeader.ValueOf(Request.Headers.Cookie, client.Cookie.Name), Context.RequestAborted);
        if (id is not null)
        {
            await terminator.EndAsync(id, "logout", RevocationTiming.Background);
        }

        cookie.Expire(Context, client.Cookie);
    }

    private static DateTimeOffset ParseExpiry(string? value, DateTimeOffset now) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var expiry)
            ? expiry
            // Without a usable expires_in the token's lifetime is unknown: the same guess as for a refresh.
            : now + AccessTokenLifetime.Default;

    private static string? Truncate(string value, int max) =>
        value.Length == 0 ? null : value.Length <= max ? value : value[..max];

    [LoggerMessage(EventId = BffEventIds.SessionCreated, Level = LogLevel.Information, Message = "Session {SessionId} created")]
    private static partial void LogSessionCreated(ILogger logger, string sessionId);

    [LoggerMessage(EventId = BffEventIds.SessionLimitReached, Level = LogLevel.Warning,
        Message = "Session {SessionId} took its user past {Limit} sessions: the oldest, {EndedSessionId}, was ended")]
    private static partial void LogSessionLimitReached(ILogger logger, int limit, string sessionId, string endedSessionId);
}
