using Bff.Configuration;
using Bff.Frontends;
using Bff.Http;
using Bff.Lifecycle;
using Bff.Sessions;
using Bff.Telemetry;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.Extensions.Options;

namespace Bff.Authentication;

/// <summary>
/// Reads the request's session from its cookie: the authenticate step of <see cref="BffSessionHandler"/>,
/// and what <see cref="BffAuthenticationMiddleware"/> runs on every request without creating a handler.
/// </summary>
internal sealed class SessionAuthenticator(
    ISessionStore store,
    SessionCookie cookie,
    SessionTerminator terminator,
    IOptions<BffOptions> options,
    TimeProvider time,
    FrontendCatalog? frontends = null,
    ISecurityObserver? security = null)
{
    // Keyed by the claims list, which a session shares with every copy made of it by a token write or a
    // touch: a cached session then yields the same result (ticket, principal) on every request instead
    // of new ones with a Claim per claim. Nothing in the gateway changes a principal or ticket once built.
    // Per instance, as the role claim type is this host's configuration.
    private readonly ConditionalWeakTable<IReadOnlyList<SessionClaim>, AuthenticateResult> _results = new();

    private readonly BffSessionOptions _sessionOptions = options.Value.Session;

    private readonly string _roleClaim = options.Value.Authorization.RoleClaim;

    private ConditionalWeakTable<IReadOnlyList<SessionClaim>, AuthenticateResult>.CreateValueCallback? _createResult;

    public string CookieName => cookie.Name;

    /// <summary>
    /// Success with the session in <see cref="BffSessionFeature"/>; no result without a cookie; failure
    /// (a <see cref="SessionFailure"/>) for a cookie that is not ours or a session that has ended. A
    /// session-store outage throws.
    /// </summary>
    /// <remarks>
    /// A session without a refresh token (the IdP granted no offline access) ends when its access token expires,
    /// here as on a proxied call: /bff/user must not call a session live that every API call would refuse.
    /// A session belongs to the frontend that created it: presented to another, its cookie is not one of that
    /// frontend's (a copied value under the other's cookie name), so it counts as no genuine cookie.
    /// </remarks>
    public async ValueTask<AuthenticateResult> AuthenticateAsync(HttpContext context)
    {
        var frontend = frontends?.Of(context);
        var value = CookieHeader.ValueOf(context.Request.Headers.Cookie, frontend?.CookieName ?? cookie.Name);
        if (value.IsEmpty)
        {
            return AuthenticateResult.NoResult();
        }

        var id = await cookie.TryReadHandleAsync(value, context.RequestAborted);
        if (id is null)
        {
            // The scheme's handler may read the same cookie again after the middleware did: one report per request.
            if (security is not null && context.Features.Get<InvalidCookieReported>() is null)
            {
                context.Features.Set(InvalidCookieReported.Instance);
                security.InvalidCookie(context);
            }

            return AuthenticateResult.Fail(new SessionFailure(genuineCookie: false));
        }

        var session = await store.GetAsync(id, context.RequestAborted);
        if (session is null)
        {
            return AuthenticateResult.Fail(new SessionFailure(genuineCookie: true));
        }

        if (frontend is not null && !frontend.Owns(session.Frontend))
        {
            return AuthenticateResult.Fail(new SessionFailure(genuineCookie: false));
        }

        var now = time.GetUtcNow();
        if (session.Tokens.RefreshToken is null && now >= session.Tokens.AccessTokenExpiresAt)
        {
            // The grant is over at the IdP (or there never was one to renew): nothing to revoke.
            await terminator.EndAsync(id, "expired", RevocationTiming.None);
            return AuthenticateResult.Fail(new SessionFailure(genuineCookie: true));
        }

        if (now - session.LastSeenAt >= _sessionOptions.SlidingWriteIntervalFor(session.IdleTimeoutOr(_sessionOptions.IdleTimeout)) && !SlideOptOut.IsRequested(context))
        {
            await store.TouchAsync(session, now, context.RequestAborted);
            session = session with { LastSeenAt = now };
        }

        context.Features.Set(new BffSessionFeature(session));
        return ResultOf(session);
    }

    /// <summary>
    /// The request's session read once and its outcome recorded the way the framework records it: whoever
    /// asks first (the CSRF check of an unsafe method, or <see cref="BffAuthenticationMiddleware"/>) reads it,
    /// and a success is found in the request's features by every later asker, the session scheme included.
    /// </summary>
    public ValueTask<AuthenticateResult> AuthenticateOnceAsync(HttpContext context)
    {
        // Kestrel keeps this feature in a field of its own, so the check costs next to nothing where nothing is recorded.
        if (context.Features.Get<IHttpAuthenticationFeature>() is AuthenticationResultFeature { AuthenticateResult: { Succeeded: true } recorded }
            && context.Features.Get<BffSessionFeature>() is not null)
        {
            return new(recorded);
        }

        var pending = AuthenticateAsync(context);
        if (pending.IsCompletedSuccessfully)
        {
            Record(context, pending.Result);
            return pending;
        }

        return RecordedAsync(context, pending);
    }

    private static async ValueTask<AuthenticateResult> RecordedAsync(HttpContext context, ValueTask<AuthenticateResult> pending)
    {
        var result = await pending;
        Record(context, result);
        return result;
    }

    private static void Record(HttpContext context, AuthenticateResult result)
    {
        if (result.Succeeded)
        {
            // What the framework leaves for authorization, so it does not authenticate a second time. The
            // feature carries the user too: setting context.User first, as the framework does, would create
            // the default authentication feature only for this one to replace it.
            var feature = new AuthenticationResultFeature(result);
            context.Features.Set<IHttpAuthenticationFeature>(feature);
            context.Features.Set<IAuthenticateResultFeature>(feature);
        }
        else if (result.Principal is not null)
        {
            context.User = result.Principal;
        }
    }

    // The callback is made once, so that a session in the cache costs no delegate per request.
    private AuthenticateResult ResultOf(BffSession session) =>
        _results.GetValue(session.Claims, _createResult ??= claims =>
            AuthenticateResult.Success(new AuthenticationTicket(BuildPrincipal(claims, _roleClaim), BffSessionDefaults.Scheme)));

    private static ClaimsPrincipal BuildPrincipal(IReadOnlyList<SessionClaim> sessionClaims, string roleClaim)
    {
        var claims = new List<Claim>(sessionClaims.Count);
        foreach (var claim in sessionClaims)
        {
            claims.Add(new Claim(claim.Type, claim.Value));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, BffSessionDefaults.Scheme, "name", roleClaim));
    }
}

/// <summary>Marks a request whose undecryptable cookie was already reported to the security signals.</summary>
internal sealed class InvalidCookieReported
{
    public static readonly InvalidCookieReported Instance = new();
}
