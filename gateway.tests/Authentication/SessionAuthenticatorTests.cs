using Bff.Authentication;
using Bff.Configuration;
using Bff.Sessions;
using Bff.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Authentication;

public sealed partial class SessionAuthenticatorTests : IDisposable
{
    private readonly TestDataProtection _keyRing = TestDataProtection.InMemory();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));
    private readonly BffOptions _options = new();
    private readonly InMemorySessionStore _store;
    private readonly SessionCookie _cookie;
    private readonly SessionAuthenticator _authenticator;
    private readonly RecordingSecurityObserver _security = new();

    public SessionAuthenticatorTests()
    {
        _store = new InMemorySessionStore(Options.Create(_options), _time);
        _cookie = _keyRing.Cookie(_options);
        _authenticator = new SessionAuthenticator(_store, _cookie, TestSessionTerminator.Create(_store, _time), Options.Create(_options), _time, security: _security);
    }

    public void Dispose() => _keyRing.Dispose();

    [Fact]
    public async Task NoCookie_NoResult_NoSession()
    {
        var context = new DefaultHttpContext();

        var result = await _authenticator.AuthenticateAsync(context);

        Assert.True(result.None);
        Assert.Null(context.Features.Get<BffSessionFeature>());
    }

    [Fact]
    public async Task ForeignCookie_FailsAsNotGenuine()
    {
        var result = await _authenticator.AuthenticateAsync(WithCookie("not-a-cookie-of-ours"));

        Assert.False(Assert.IsType<SessionFailure>(result.Failure).GenuineCookie);
        Assert.Equal(["invalid_cookie"], _security.Calls);
    }

    [Fact]
    public async Task ForeignCookie_ReadTwiceInOneRequest_ReportedOnce()
    {
        var context = WithCookie("not-a-cookie-of-ours");

        await _authenticator.AuthenticateAsync(context);
        await _authenticator.AuthenticateAsync(context);

        Assert.Equal(["invalid_cookie"], _security.Calls);
    }

    [Fact]
    public async Task EndedSession_FailsAsGenuine()
    {
        var (value, id) = await CreateSessionAsync();
        await _store.DeleteAsync(id, default);

        var result = await _authenticator.AuthenticateAsync(WithCookie(value));

        Assert.True(Assert.IsType<SessionFailure>(result.Failure).GenuineCookie);
        Assert.Empty(_security.Calls);
    }

    [Fact]
    public async Task LiveSession_SucceedsWithSessionAndClaims()
    {
        var (value, id) = await CreateSessionAsync();
        var context = WithCookie(value);

        var result = await _authenticator.AuthenticateAsync(context);

        Assert.True(result.Succeeded);
        Assert.Equal(id, context.Features.Get<BffSessionFeature>()!.Session.Id);
        Assert.Equal("alice", result.Principal!.FindFirst("sub")!.Value);
        Assert.Equal("Alice", result.Principal.Identity!.Name);
        Assert.Equal(BffSessionDefaults.Scheme, result.Ticket!.AuthenticationScheme);
    }

    [Fact]
    public async Task SameClaims_SamePrincipal_AcrossRequestsAndTokenWrites()
    {
        var (value, id) = await CreateSessionAsync();
        var first = await _authenticator.AuthenticateAsync(WithCookie(value));

        // A token write makes a new session record that keeps the claims.
        var session = (await _store.GetAsync(id, default))!;
        var written = await _store.TryUpdateTokensAsync(id, session.Version, session.Tokens with { AccessToken = "at2" }, "rt", default);
        Assert.Equal(TokenWriteOutcome.Written, written.Outcome);
        var context = WithCookie(value);
        var second = await _authenticator.AuthenticateAsync(context);

        Assert.Equal("at2", context.Features.Get<BffSessionFeature>()!.Session.Tokens.AccessToken);
        Assert.Same(first.Principal, second.Principal);
    }

    [Fact]
    public async Task OtherClaims_OtherPrincipal()
    {
        var (alice, _) = await CreateSessionAsync("alice", "Alice");
        var (bob, _) = await CreateSessionAsync("bob", "Bob");

        var a = await _authenticator.AuthenticateAsync(WithCookie(alice));
        var b = await _authenticator.AuthenticateAsync(WithCookie(bob));

        Assert.NotSame(a.Principal, b.Principal);
        Assert.Equal("Bob", b.Principal!.Identity!.Name);
    }

    [Fact]
    public async Task NoRefreshToken_AccessTokenExpired_SessionEndsAsGenuine()
    {
        var (value, id) = await CreateSessionAsync(refreshToken: null);
        var expiresAt = (await _store.GetAsync(id, default))!.Tokens.AccessTokenExpiresAt;
        _time.Advance(expiresAt - _time.GetUtcNow() - TimeSpan.FromSeconds(1));
        Assert.True((await _authenticator.AuthenticateAsync(WithCookie(value))).Succeeded);
        _time.Advance(TimeSpan.FromSeconds(1));

        var result = await _authenticator.AuthenticateAsync(WithCookie(value));

        Assert.True(Assert.IsType<SessionFailure>(result.Failure).GenuineCookie);
        Assert.Null(await _store.GetFreshAsync(id, default));
    }

    [Fact]
    public async Task WithRefreshToken_AccessTokenExpired_StillSucceeds()
    {
        var (value, id) = await CreateSessionAsync();
        _time.Advance(TestSessions.AccessTokenLifetime);

        var result = await _authenticator.AuthenticateAsync(WithCookie(value));

        Assert.True(result.Succeeded);
        Assert.NotNull(await _store.GetFreshAsync(id, default));
    }

    [Fact]
    public async Task AfterSlidingWriteInterval_TouchesSession()
    {
        var (value, id) = await CreateSessionAsync();
        _time.Advance(_options.Session.SlidingWriteInterval);

        await _authenticator.AuthenticateAsync(WithCookie(value));

        Assert.Equal(_time.GetUtcNow(), (await _store.GetAsync(id, default))!.LastSeenAt);
    }

    [Fact]
    public async Task WithinSlidingWriteInterval_DoesNotTouch()
    {
        var (value, id) = await CreateSessionAsync();
        var created = _time.GetUtcNow();
        _time.Advance(_options.Session.SlidingWriteInterval - TimeSpan.FromSeconds(1));

        await _authenticator.AuthenticateAsync(WithCookie(value));

        Assert.Equal(created, (await _store.GetAsync(id, default))!.LastSeenAt);
    }

    [Fact]
    public async Task IdleTimeoutShorterThanSlidingWriteInterval_TouchesAfterAQuarterOfIt()
    {
        _options.Session.IdleTimeout = TimeSpan.FromSeconds(4);
        var authenticator = new SessionAuthenticator(_store, _cookie, TestSessionTerminator.Create(_store, _time), Options.Create(_options), _time);
        var (value, id) = await CreateSessionAsync();
        _time.Advance(TimeSpan.FromSeconds(1));

        await authenticator.AuthenticateAsync(WithCookie(value));

        Assert.Equal(_time.GetUtcNow(), (await _store.GetAsync(id, default))!.LastSeenAt);
    }

    [Theory]
    [InlineData(null, "role")]
    [InlineData("roles", "roles")]
    public async Task Roles_AreTheClaimsOfTheConfiguredRoleClaim(string? configured, string roleClaim)
    {
        if (configured is not null)
        {
            _options.Authorization.RoleClaim = configured;
        }

        var authenticator = new SessionAuthenticator(_store, _cookie, TestSessionTerminator.Create(_store, _time), Options.Create(_options), _time);
        var (session, secret) = TestSessions.NewWithSecret("alice", _time.GetUtcNow());
        await _store.CreateAsync(session with { Claims = [.. session.Claims, new SessionClaim(roleClaim, "admin"), new SessionClaim("group", "ops")] }, default);

        var result = await authenticator.AuthenticateAsync(WithCookie(_cookie.Protect(secret)));

        Assert.True(result.Principal!.IsInRole("admin"));
        Assert.False(result.Principal.IsInRole("ops"));
    }

    private async Task<(string CookieValue, string Id)> CreateSessionAsync(string subject = "alice", string name = "Alice", string? refreshToken = "rt")
    {
        var now = _time.GetUtcNow();
        var (session, secret) = TestSessions.NewWithSecret(subject, now);
        await _store.CreateAsync(session with
        {
            Claims = [new SessionClaim("sub", subject), new SessionClaim("name", name)],
            Tokens = session.Tokens with { RefreshToken = refreshToken },
            AbsoluteExpiresAt = now + _options.Session.AbsoluteLifetime,
        }, default);
        return (_cookie.Protect(secret), session.Id);
    }

    private DefaultHttpContext WithCookie(string value)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Cookie = $"{_cookie.Name}={value}";
        return context;
    }
}
