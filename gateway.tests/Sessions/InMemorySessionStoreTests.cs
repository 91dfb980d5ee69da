using Bff.Idp;
using Bff.Sessions;

namespace Bff.Tests.Sessions;

/// <summary>The session store contract for the in-memory store, and the grace period, which only its clock can fake.</summary>
public sealed class InMemorySessionStoreTests : SessionStoreContract
{
    private protected override ISessionStore CreateStore() => new InMemorySessionStore(Microsoft.Extensions.Options.Options.Create(Options), Time);

    [Fact]
    public async Task GraceTokens_KeptForAMinute()
    {
        var store = CreateStore();
        var session = NewSession();
        await store.CreateAsync(session, default);
        var refreshed = new TokenSet("access-2", "refresh-2", Time.GetUtcNow().AddMinutes(5));
        await store.TryUpdateTokensAsync(session.Id, 1, refreshed, session.Tokens.RefreshToken, default);

        Time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(refreshed, await store.GetGraceTokensAsync(session.Id, session.Tokens.RefreshToken!, default));

        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await store.GetGraceTokensAsync(session.Id, session.Tokens.RefreshToken!, default));
    }

    [Fact]
    public async Task CountActive_SessionsStoredWithoutAFrontend_TheDefaultFrontends()
    {
        var store = CreateStore();
        await store.CreateAsync(NewSession(), default);
        await store.CreateAsync(NewSession() with { Frontend = "admin" }, default);

        Assert.Equal(1, await store.CountActiveAsync("", default));
        Assert.Equal(1, await store.CountActiveAsync("admin", default));
    }
}
