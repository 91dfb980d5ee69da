using Bff.Idp;
using Bff.Sessions;

namespace Bff.Tests.Sessions;

/// <summary>The contract's token writes: versioned, and findable by the refresh token they replaced for a while.</summary>
public abstract partial class SessionStoreContract
{
    [Fact]
    public async Task TryUpdateTokens_CurrentVersion_WrittenWithTheNextOne_AndAnnounced()
    {
        var store = CreateStore();
        var session = NewSession();
        await store.CreateAsync(session, default);
        var tokens = new TokenSet("access-2", "refresh-2", Time.GetUtcNow().AddMinutes(5));
        TokenWriteResult written = default;

        await ExpectChangeAnnouncedAsync(session.Id, async () => written = await store.TryUpdateTokensAsync(session.Id, 1, tokens, null, default));

        Assert.Equal(TokenWriteResult.Written(2), written);
        var read = await store.GetAsync(session.Id, default);
        Assert.Equal(tokens, read!.Tokens);
        Assert.Equal(2, read.Version);
        Assert.Equal(session.Claims, read.Claims);
    }

    [Fact]
    public async Task TryUpdateTokens_StaleVersion_ConflictAndTokensKept()
    {
        var store = CreateStore();
        var session = NewSession();
        await store.CreateAsync(session, default);
        Assert.Equal(TokenWriteOutcome.Written, (await store.TryUpdateTokensAsync(session.Id, 1, session.Tokens with { AccessToken = "access-2" }, null, default)).Outcome);

        var stale = await store.TryUpdateTokensAsync(session.Id, 1, session.Tokens with { AccessToken = "access-lost" }, null, default);

        Assert.Equal(TokenWriteResult.Conflict, stale);
        Assert.Equal("access-2", (await store.GetFreshAsync(session.Id, default))!.Tokens.AccessToken);
    }

    [Fact]
    public async Task TryUpdateTokens_NoSuchSession_Missing()
    {
        var store = CreateStore();

        var result = await store.TryUpdateTokensAsync(Unique("gone"), 1, NewSession().Tokens, null, default);

        Assert.Equal(TokenWriteResult.Missing, result);
    }

    [Fact]
    public async Task GraceTokens_FoundByTheReplacedRefreshToken_WhetherOrNotTheWriteWon()
    {
        var store = CreateStore();
        var session = NewSession();
        await store.CreateAsync(session, default);
        var replaced = session.Tokens.RefreshToken!;
        var refreshed = new TokenSet("access-2", "refresh-2", Time.GetUtcNow().AddMinutes(5));

        Assert.Equal(TokenWriteResult.Conflict, await store.TryUpdateTokensAsync(session.Id, 7, refreshed, replaced, default));

        Assert.Equal(refreshed, await store.GetGraceTokensAsync(session.Id, replaced, default));
        Assert.Null(await store.GetGraceTokensAsync(session.Id, "refresh-other", default));
        Assert.Null(await store.GetGraceTokensAsync(Unique("other-session"), replaced, default));
    }

    [Fact]
    public async Task GraceTokens_NoRefreshTokenReplaced_NoneKept()
    {
        var store = CreateStore();
        var session = NewSession();
        await store.CreateAsync(session, default);

        await store.TryUpdateTokensAsync(session.Id, 1, session.Tokens with { AccessToken = "access-2" }, null, default);

        Assert.Null(await store.GetGraceTokensAsync(session.Id, session.Tokens.RefreshToken!, default));
    }
}
