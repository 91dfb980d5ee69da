using Bff.Idp;
using Bff.Sessions;
using Bff.Tokens;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bff.Tests.Tokens;

/// <summary>
/// Refreshes against IdPs that do not rotate refresh tokens (the same one comes back, or none) or issue none at
/// all: the session keeps the one it has and renews with it, however short its access tokens live; without one
/// it lives until its access token expires and never calls the token endpoint.
/// </summary>
public sealed class StoredTokenRefresherTests : IDisposable
{
    private readonly TestUserTokenManager _parts = new();
    private readonly InMemoryRefreshAttempts _attempts;
    private readonly RecordingSecurityObserver _security = new();
    private readonly UserTokenManager _manager;

    public StoredTokenRefresherTests()
    {
        _attempts = new InMemoryRefreshAttempts(_parts.OptionsAccessor, _parts.Time);
        _manager = _parts.Manager(attempts: _attempts, security: _security);
    }

    public void Dispose() => _parts.Dispose();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task NotRotated_EveryRefreshUsesTheOneRefreshToken(bool sentAgain)
    {
        var session = await SeedAsync("rt-1", TimeSpan.FromSeconds(-1));

        // Tokens for 30 s: shorter than the refresh window, and than the grace entry a rotation leaves behind.
        foreach (var accessToken in new[] { "at-2", "at-3", "at-4" })
        {
            _parts.Idp.RespondTokens(accessToken, sentAgain ? "rt-1" : null, expiresIn: 30);

            var result = await _manager.GetAsync(session, default);

            Assert.Equal(AccessTokenStatus.Usable, result.Status);
            Assert.Equal(accessToken, result.Session!.Tokens.AccessToken);
            Assert.Equal("rt-1", result.Session.Tokens.RefreshToken);
            session = result.Session;
            _parts.Time.Advance(TimeSpan.FromSeconds(31));
        }

        Assert.Equal(3, _parts.Idp.TokenRequests.Count);
        Assert.All(_parts.Idp.TokenRequests, body => Assert.Contains("refresh_token=rt-1", body, StringComparison.Ordinal));
    }

    [Fact]
    public async Task NoRefreshToken_UsableUntilExpiry_ThenEndedWithoutAskingTheIdp()
    {
        var session = await SeedAsync(refreshToken: null, TimeSpan.FromMinutes(5));
        _parts.Idp.RespondTokens("at-2", "rt-2");

        // Inside the refresh window: nothing to refresh with, the token is still good.
        _parts.Time.Advance(TimeSpan.FromMinutes(4.5));
        var before = await _manager.GetAsync(session, default);
        _parts.Time.Advance(TimeSpan.FromMinutes(0.5));
        var after = await _manager.GetAsync(session, default);

        Assert.Equal(AccessTokenStatus.Usable, before.Status);
        Assert.Equal("at-1", before.Session!.Tokens.AccessToken);
        Assert.Equal(AccessTokenStatus.SessionEnded, after.Status);
        Assert.Null(await _parts.Store.GetFreshAsync("s1", default));
        Assert.Empty(_parts.Idp.TokenRequests);
    }

    [Fact]
    public async Task InvalidGrant_ForTheCurrentTokenSentOnce_IsRefreshTokenReuse()
    {
        var session = await SeedAsync("rt-1", TimeSpan.FromSeconds(-1));
        _parts.Idp.RespondTokenError(400, "invalid_grant");

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
        _parts.Idp.RespondTokenError(400, "invalid_grant");

        var result = await _manager.GetAsync(session, default);

        Assert.Equal(AccessTokenStatus.SessionEnded, result.Status);
        Assert.Empty(_security.Calls);
    }

    [Fact]
    public async Task IdpUnavailable_IsNoSignal()
    {
        var session = await SeedAsync("rt-1", TimeSpan.FromSeconds(-1));
        _parts.Idp.RespondTokenError(503);

        await _manager.GetAsync(session, default);

        Assert.Empty(_security.Calls);
    }

    [Fact]
    public async Task TokensLivingNoLongerThanTheWindow_RefreshedOncePastHalfTheirLife_NotOnEveryRequest()
    {
        // Tokens for 60 s, as long as the default RefreshBeforeExpiry: the window is clamped to 30 s.
        var session = await SeedAsync("rt-1", TimeSpan.FromSeconds(-1));
        _parts.Idp.RespondTokens("at-2", "rt-2", expiresIn: 60);
        session = (await _manager.GetAsync(session, default)).Session!;

        _parts.Time.Advance(TimeSpan.FromSeconds(29));
        var result = await _manager.GetAsync(session, default);

        Assert.Equal("at-2", result.Session!.Tokens.AccessToken);
        Assert.Single(_parts.Idp.TokenRequests);

        _parts.Idp.RespondTokens("at-3", "rt-3", expiresIn: 60);
        _parts.Time.Advance(TimeSpan.FromSeconds(1));
        result = await _manager.GetAsync(result.Session, default);

        Assert.Equal("at-3", result.Session!.Tokens.AccessToken);
        Assert.Equal(2, _parts.Idp.TokenRequests.Count);
    }

    private async Task<BffSession> SeedAsync(string? refreshToken, TimeSpan accessTokenLifetime)
    {
        var now = _parts.Time.GetUtcNow();
        var session = TestSessions.New("alice", now) with
        {
            Id = "s1",
            Tokens = new TokenSet("at-1", refreshToken, now + accessTokenLifetime),
            AbsoluteExpiresAt = now.AddHours(8),
        };
        await _parts.Store.CreateAsync(session, default);
        return session;
    }
}
