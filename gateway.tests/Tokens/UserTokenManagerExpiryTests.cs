using Bff.Idp;
using Bff.Sessions;
using Bff.Tests.Support;
using Bff.Tokens;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bff.Tests.Tokens;

/// <summary>
/// Tokens a flight did not get from the IdP itself (a grace entry, another writer's) are forwarded only while
/// valid: an expired access token never reaches the upstream, whatever path it came by.
/// </summary>
public sealed class UserTokenManagerExpiryTests : IDisposable
{
    private readonly TestUserTokenManager _parts = new();
    private readonly InterleavingStore _interleaving;
    private readonly UserTokenManager _manager;

    public UserTokenManagerExpiryTests()
    {
        _interleaving = new InterleavingStore(_parts.Store);
        _manager = _parts.Manager(_interleaving);
    }

    public void Dispose() => _parts.Dispose();

    [Fact]
    public async Task GetAsync_GraceTokensExpiredSince_NotForwarded_RecoveredRefreshTokenKept()
    {
        var session = await SeedAsync();
        // A holder used rt-1 and recorded the result (a token for 30 s), then lost its write; 31 s later the
        // grace entry (kept 60 s) still holds it, expired.
        await _parts.Store.TryUpdateTokensAsync("s1", 99, new TokenSet("at-2", "rt-2", _parts.Time.GetUtcNow().AddSeconds(30)), "rt-1", default);
        _parts.Time.Advance(TimeSpan.FromSeconds(31));
        _parts.Idp.RespondTokens("at-3", "rt-3");

        var result = await _manager.GetAsync(session, default);

        AssertNotForwardingExpired(result);
        Assert.Equal(AccessTokenStatus.IdpUnavailable, result.Status);
        Assert.Empty(_parts.Idp.TokenRequests);

        // The session keeps the recovered refresh token: the next request renews with it, never with rt-1.
        var stored = await _parts.Store.GetFreshAsync("s1", default);
        Assert.Equal("rt-2", stored!.Tokens.RefreshToken);
        var next = await _manager.GetAsync(stored, default);
        Assert.Equal("at-3", next.Session!.Tokens.AccessToken);
        Assert.Contains("refresh_token=rt-2", Assert.Single(_parts.Idp.TokenRequests), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_VersionConflictWithExpiredStoredTokens_NotForwarded()
    {
        var session = await SeedAsync();
        _parts.Idp.RespondTokens("at-2", "rt-2");
        // While the IdP answers, another writer saves tokens that expire before this flight reads them back.
        _interleaving.BeforeRefreshWrite = async () =>
        {
            await _parts.Store.TryUpdateTokensAsync("s1", 1, new TokenSet("at-x", "rt-x", _parts.Time.GetUtcNow().AddSeconds(5)), null, default);
            _parts.Time.Advance(TimeSpan.FromSeconds(6));
        };

        var result = await _manager.GetAsync(session, default);

        AssertNotForwardingExpired(result);
        Assert.Equal(AccessTokenStatus.IdpUnavailable, result.Status);
        // The winner's write stands, and the session with it.
        Assert.Equal("rt-x", (await _parts.Store.GetFreshAsync("s1", default))!.Tokens.RefreshToken);
    }

    private void AssertNotForwardingExpired(AccessTokenResult result)
    {
        if (result.Status == AccessTokenStatus.Usable)
        {
            var tokens = result.Session!.Tokens;
            Assert.True(tokens.AccessTokenExpiresAt > _parts.Time.GetUtcNow(), $"{tokens.AccessToken} expired at {tokens.AccessTokenExpiresAt:O} and would be forwarded.");
        }
    }

    private async Task<BffSession> SeedAsync()
    {
        var now = _parts.Time.GetUtcNow();
        var session = TestSessions.New("alice", now) with
        {
            Id = "s1",
            Tokens = new TokenSet("at-1", "rt-1", now.AddSeconds(-1)),
            AbsoluteExpiresAt = now.AddHours(8),
        };
        await _parts.Store.CreateAsync(session, default);
        return session;
    }

    /// <summary>The store, with a hook that runs once just before a flight writes the tokens it refreshed.</summary>
    private sealed class InterleavingStore(ISessionStore inner) : DelegatingSessionStore(inner)
    {
        public Func<Task>? BeforeRefreshWrite { get; set; }

        public override async Task<TokenWriteResult> TryUpdateTokensAsync(string id, long expectedVersion, TokenSet tokens, string? replacedRefreshToken, CancellationToken cancellationToken)
        {
            await BeforeWriteAsync(replacedRefreshToken);
            return await base.TryUpdateTokensAsync(id, expectedVersion, tokens, replacedRefreshToken, cancellationToken);
        }

        public override async Task<TokenWriteResult> TryUpdateTokensAsync(BffSession read, TokenSet tokens, string? replacedRefreshToken, CancellationToken cancellationToken)
        {
            await BeforeWriteAsync(replacedRefreshToken);
            return await base.TryUpdateTokensAsync(read, tokens, replacedRefreshToken, cancellationToken);
        }

        private async Task BeforeWriteAsync(string? replacedRefreshToken)
        {
            // Only a refresh's own write names the refresh token it replaces.
            if (replacedRefreshToken is not null && BeforeRefreshWrite is { } hook)
            {
                BeforeRefreshWrite = null;
                await hook();
            }
        }
    }
}
