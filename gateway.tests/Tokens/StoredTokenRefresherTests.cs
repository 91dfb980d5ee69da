using Bff.Configuration;
using Bff.Idp;
using Bff.Sessions;
using Bff.Telemetry;
using Bff.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Tokens;

/// <summary>
/// Refreshes against IdPs that do not rotate refresh tokens (the same one comes back, or none) or issue none at
/// all: the session keeps the one it has and renews with it, however short its access tokens live; without one
/// it lives until its access token expires and never calls the token endpoint.
/// </summary>
public sealed class StoredTokenRefresherTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly FakeOidcProvider _idp = new();
    private readonly InMemorySessionStore _store;
    private readonly UserTokenManager _manager;
    private readonly ServiceProvider _services;
    private readonly InMemoryRefreshAttempts _attempts;
    private readonly RecordingSecurityObserver _security = new();

    public StoredTokenRefresherTests()
    {
        var options = Options.Create(new BffOptions { ClientId = "bff", ClientSecret = "secret" });
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new BffMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        _store = new InMemorySessionStore(options, _time);
        var client = TestIdpTokenClient.Create(_idp, options, metrics, _time);
        _attempts = new InMemoryRefreshAttempts(options, _time);
        _manager = TestUserTokenManager.Create(_store, client, options, metrics, _time, attempts: _attempts, security: _security);
    }

    public void Dispose()
    {
        _idp.Dispose();
        _services.Dispose();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task NotRotated_EveryRefreshUsesTheOneRefreshToken(bool sentAgain)
    {
        var session = await SeedAsync("rt-1", TimeSpan.FromSeconds(-1));

        // Tokens for 30 s: shorter than the refresh window, and than the grace entry a rotation leaves behind.
        foreach (var accessToken in new[] { "at-2", "at-3", "at-4" })
        {
            _idp.RespondTokens(accessToken, sentAgain ? "rt-1" : null, expiresIn: 30);

            var result = await _manager.GetAsync(session, default);

            Assert.Equal(AccessTokenStatus.Usable, result.Status);
            Assert.Equal(accessToken, result.Session!.Tokens.AccessToken);
            Assert.Equal("rt-1", result.Session.Tokens.RefreshToken);
            session = result.Session;
            _time.Advance(TimeSpan.FromSeconds(31));
        }

        Assert.Equal(3, _idp.TokenRequests.Count);
        Assert.All(_idp.TokenRequests, body => Assert.Contains("refresh_token=rt-1", body, StringComparison.Ordinal));
    }

    [Fact]
    public async Task NoRefreshToken_UsableUntilExpiry_ThenEndedWithoutAskingTheIdp()
    {
        var session = await SeedAsync(refreshToken: null, TimeSpan.FromMinutes(5));
        _idp.RespondTokens("at-2", "rt-2");

        // Inside the refresh window: nothing to refresh with, the token is still good.
        _time.Advance(TimeSpan.FromMinutes(4.5));
        var before = await _manager.GetAsync(session, default);
        _time.Advance(TimeSpan.FromMinutes(0.5));
        var after = await _manager.GetAsync(session, default);

        Assert.Equal(AccessTokenStatus.Usable, before.Status);
        Assert.Equal("at-1", before.Session!.Tokens.AccessToken);
        Assert.Equal(AccessTokenStatus.SessionEnded, after.Status);
        Assert.Null(await _store.GetFreshAsync("s1", default));
        Assert.Empty(_idp.TokenRequests);
    }

    [Fact]
    public async Task InvalidGrant_ForTheCurrentTokenSentOnce_IsRefreshTokenReuse()
    {
        var session = await SeedAsync("rt-1", TimeSpan.FromSeconds(-1));
        _idp.RespondTokenError(400, "invalid_grant");

        var result = await _manager.GetAsync(session, default);

        Assert.Equal(AccessTokenStatus.SessionEnded, result.Status);
        Assert.Equal(["refresh_token_reused s1 alice"], _security.Calls);
    }

    [Fact]
    public async Task InvalidGrant_ForATokenSentAgainAfterAnUnknownOutcome_IsNoSignal()
    {
        var session = await SeedAsync("rt-1", TimeSpan.FromSeconds(-1));
        // A holder sent rt-1 and died before saving the IdP's answer: this refresh sends it again.
        Assert.False(await _attempts.MarkSentAsync("s1", "rt-1", default));
        _idp.RespondTokenError(400, "invalid_grant");

        var result = await _manager.GetAsync(session, default);

        Assert.Equal(AccessTokenStatus.SessionEnded, result.Status);
        Assert.Empty(_security.Calls);
    }

    [Fact]
    public async Task IdpUnavailable_IsNoSignal()
    {
        var session = await SeedAsync("rt-1", TimeSpan.FromSeconds(-1));
        _idp.RespondTokenError(503);

        await _manager.GetAsync(session, default);

        Assert.Empty(_security.Calls);
    }

    [Fact]
    public async Task TokensLivingNoLongerThanTheWindow_RefreshedOncePastHalfTheirLife_NotOnEveryRequest()
    {
        // Tokens for 60 s, as long as the default RefreshBeforeExpiry: the window is clamped to 30 s.
        var session = await SeedAsync("rt-1", TimeSpan.FromSeconds(-1));
        _idp.RespondTokens("at-2", "rt-2", expiresIn: 60);
        session = (await _manager.GetAsync(session, default)).Session!;

        _time.Advance(TimeSpan.FromSeconds(29));
        var result = await _manager.GetAsync(session, default);

        Assert.Equal("at-2", result.Session!.Tokens.AccessToken);
        Assert.Single(_idp.TokenRequests);

        _idp.RespondTokens("at-3", "rt-3", expiresIn: 60);
        _time.Advance(TimeSpan.FromSeconds(1));
        result = await _manager.GetAsync(result.Session, default);

        Assert.Equal("at-3", result.Session!.Tokens.AccessToken);
        Assert.Equal(2, _idp.TokenRequests.Count);
    }

    private async Task<BffSession> SeedAsync(string? refreshToken, TimeSpan accessTokenLifetime)
    {
        var now = _time.GetUtcNow();
        var session = TestSessions.New("alice", now) with
        {
            Id = "s1",
            Tokens = new TokenSet("at-1", refreshToken, now + accessTokenLifetime),
            AbsoluteExpiresAt = now.AddHours(8),
        };
        await _store.CreateAsync(session, default);
        return session;
    }
}
