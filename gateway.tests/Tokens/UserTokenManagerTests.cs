using Bff.Idp;
using Bff.Sessions;
using Bff.Tests.Support;
using Bff.Tokens;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bff.Tests.Tokens;

public sealed class UserTokenManagerTests : IDisposable
{
    private readonly TestUserTokenManager _parts = new();
    private readonly UserTokenManager _manager;

    public UserTokenManagerTests()
    {
        _manager = _parts.Manager();
    }

    public void Dispose() => _parts.Dispose();

    private async Task<BffSession> SeedAsync(TimeSpan accessTokenLifetime, string refreshToken = "rt-1")
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

    [Fact]
    public async Task GetAsync_FreshToken_NoIdpCall()
    {
        var session = await SeedAsync(TimeSpan.FromMinutes(5));
        _parts.Idp.RespondTokens("at-2", "rt-2");

        var result = await _manager.GetAsync(session, default);

        Assert.Equal(AccessTokenStatus.Usable, result.Status);
        Assert.Equal("at-1", result.Session!.Tokens.AccessToken);
        Assert.Empty(_parts.Idp.TokenRequests);
    }

    [Fact]
    public async Task GetAsync_WithinRefreshWindow_ConcurrentRequestsShareOneRefresh()
    {
        var session = await SeedAsync(TimeSpan.FromSeconds(30));
        _parts.Idp.RespondTokens("at-2", "rt-2", delay: TimeSpan.FromMilliseconds(300));

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => _manager.GetAsync(session, default).AsTask()));

        Assert.Single(_parts.Idp.TokenRequests);
        Assert.All(results, r => Assert.Equal("at-2", r.Session!.Tokens.AccessToken));
        var body = Assert.Single(_parts.Idp.TokenRequests);
        Assert.Contains("grant_type=refresh_token", body, StringComparison.Ordinal);
        Assert.Contains("refresh_token=rt-1", body, StringComparison.Ordinal);
        var stored = await _parts.Store.GetFreshAsync("s1", default);
        Assert.Equal("rt-2", stored!.Tokens.RefreshToken);
        Assert.Equal(2, stored.Version);
    }

    [Fact]
    public async Task GetAsync_StaleCopyAfterAnotherRefresh_UsesStoredTokensWithoutIdpCall()
    {
        var stale = await SeedAsync(TimeSpan.FromSeconds(30));
        // Another instance refreshed already: the stored session is newer than the caller's copy.
        await _parts.Store.TryUpdateTokensAsync("s1", 1, new TokenSet("at-2", "rt-2", _parts.Time.GetUtcNow().AddMinutes(5)), "rt-1", default);
        _parts.Idp.RespondTokens("at-3", "rt-3");

        var result = await _manager.GetAsync(stale, default);

        Assert.Equal("at-2", result.Session!.Tokens.AccessToken);
        Assert.Empty(_parts.Idp.TokenRequests);
    }

    [Fact]
    public async Task GetAsync_ShortLivedTokens_RefreshedOncePerVersionNotPerRequest()
    {
        // The IdP's tokens live shorter than RefreshBeforeExpiry: a fresh token is still "due".
        _parts.Options.Tokens.RefreshBeforeExpiry = TimeSpan.FromMinutes(10);
        var session = await SeedAsync(TimeSpan.FromSeconds(30));
        _parts.Idp.RespondTokens("at-2", "rt-2", expiresIn: 60);

        var first = await _manager.GetAsync(session, default);
        Assert.Single(_parts.Idp.TokenRequests);

        // A request holding the old copy joins after the refresh: it gets the new tokens.
        var second = await _manager.GetAsync(session, default);
        Assert.Single(_parts.Idp.TokenRequests);
        Assert.Equal("at-2", second.Session!.Tokens.AccessToken);
        Assert.Equal(first.Session!.Version, second.Session.Version);
    }

    [Fact]
    public async Task GetAsync_InvalidGrant_EndsSession()
    {
        var session = await SeedAsync(TimeSpan.FromSeconds(-1));
        _parts.Idp.RespondTokenError(400, "invalid_grant");

        var result = await _manager.GetAsync(session, default);

        Assert.Equal(AccessTokenStatus.SessionEnded, result.Status);
        Assert.Null(await _parts.Store.GetFreshAsync("s1", default));
    }

    [Theory]
    [InlineData(503, null)]
    [InlineData(500, "server_error")]
    [InlineData(401, "invalid_client")]
    public async Task GetAsync_IdpFailing_ValidTokenStillUsed_SessionKept(int status, string? error)
    {
        var session = await SeedAsync(TimeSpan.FromSeconds(30));
        _parts.Idp.RespondTokenError(status, error);

        var result = await _manager.GetAsync(session, default);

        Assert.Equal(AccessTokenStatus.Usable, result.Status);
        Assert.Equal("at-1", result.Session!.Tokens.AccessToken);
        Assert.NotNull(await _parts.Store.GetFreshAsync("s1", default));
    }

    [Fact]
    public async Task GetAsync_IdpDownAndTokenExpired_UnavailableThenRecovers()
    {
        var session = await SeedAsync(TimeSpan.FromSeconds(30));
        _parts.Idp.RespondTokenError(503);
        _parts.Time.Advance(TimeSpan.FromSeconds(31));

        var down = await _manager.GetAsync(session, default);

        Assert.Equal(AccessTokenStatus.IdpUnavailable, down.Status);
        Assert.NotNull(await _parts.Store.GetFreshAsync("s1", default));

        _parts.Idp.RespondTokens("at-2", "rt-2");
        var back = await _manager.GetAsync(session, default);

        Assert.Equal(AccessTokenStatus.Usable, back.Status);
        Assert.Equal("at-2", back.Session!.Tokens.AccessToken);
    }

    [Fact]
    public async Task GetAsync_RefreshTokenAlreadyUsedByLostHolder_RecoversFromGraceWithoutIdpCall()
    {
        var session = await SeedAsync(TimeSpan.FromSeconds(-1));
        // A holder used rt-1, recorded the result, then lost its write (its version check failed).
        await _parts.Store.TryUpdateTokensAsync("s1", 99, new TokenSet("at-2", "rt-2", _parts.Time.GetUtcNow().AddMinutes(5)), "rt-1", default);
        _parts.Idp.RespondTokenError(400, "invalid_grant");

        var result = await _manager.GetAsync(session, default);

        Assert.Equal(AccessTokenStatus.Usable, result.Status);
        Assert.Equal("at-2", result.Session!.Tokens.AccessToken);
        Assert.Empty(_parts.Idp.TokenRequests);
    }

    [Fact]
    public async Task GetAsync_NoRefreshTokenAndExpired_EndsSession()
    {
        var now = _parts.Time.GetUtcNow();
        var session = TestSessions.New("alice", now) with { Id = "s2", Tokens = new TokenSet("at-1", null, now.AddSeconds(-1)) };
        await _parts.Store.CreateAsync(session, default);

        var result = await _manager.GetAsync(session, default);

        Assert.Equal(AccessTokenStatus.SessionEnded, result.Status);
        Assert.Empty(_parts.Idp.TokenRequests);
    }
}
