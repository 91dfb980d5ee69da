using Bff.Configuration;
using Bff.Idp;
using Bff.Routes;
using Bff.Sessions;
using Bff.Tests.Support;
using Bff.Tokens;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Bff.Tests.Tokens;

/// <summary>
/// Tokens for a route's API (<c>Bff.AccessToken.Resource</c> / <c>Scope</c>), got with the session's one refresh
/// token: kept in the session per (resource, scope), refreshed before expiry, one refresh per session at a time
/// whatever it is for, the rotated refresh token kept by every refresh; a refusal for one API leaves the session.
/// </summary>
public sealed class UserTokenManagerResourceTests : IDisposable
{
    private static readonly TokenAudience ApiA = TokenAudience.Of("https://a.example", null)!;
    private static readonly TokenAudience ApiB = TokenAudience.Of("https://b.example", "read write")!;

    private readonly TestUserTokenManager _parts = new();
    private readonly UserTokenManager _manager;

    public UserTokenManagerResourceTests()
    {
        _manager = _parts.Manager();
    }

    public void Dispose() => _parts.Dispose();

    private async Task<BffSession> SeedAsync(TimeSpan mainLifetime, params ResourceToken[] resources)
    {
        var now = _parts.Time.GetUtcNow();
        var session = TestSessions.New("alice", now) with
        {
            Id = "s1",
            Tokens = new TokenSet("at-main", "rt-1", now + mainLifetime, resources.Length == 0 ? null : resources),
            AbsoluteExpiresAt = now.AddHours(8),
        };
        await _parts.Store.CreateAsync(session, default);
        return session;
    }

    // The answer for refresh grants whose form contains `match` (WireMock's wildcard over the raw body).
    private void RespondFor(string match, string accessToken, string refreshToken, int expiresIn = 300, TimeSpan? delay = null, int status = 200, string? error = null)
    {
        var body = error is null
            ? $$"""{"access_token":"{{accessToken}}","token_type":"Bearer","expires_in":{{expiresIn}},"refresh_token":"{{refreshToken}}"}"""
            : $$"""{"error":"{{error}}"}""";
        var response = Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body);
        _parts.Idp.Server.Given(Request.Create().WithPath("/token").UsingPost().WithBody(new WildcardMatcher("*" + match + "*")))
            // Ahead of the catch-all answer of FakeOidcProvider.RespondTokens.
            .AtPriority(-10)
            .RespondWith(delay is { } d ? response.WithDelay(d) : response);
    }

    private static string Form(string value) => Uri.EscapeDataString(value);

    [Fact]
    public async Task GetAsync_NoTokenForTheApi_RefreshGrantNamesIt_StoredBesideTheSessionsOwn()
    {
        var session = await SeedAsync(TimeSpan.FromMinutes(5));
        RespondFor("resource=" + Form(ApiB.Resource!), "at-b", "rt-2");

        var result = await _manager.GetAsync(session, ApiB, default);

        Assert.Equal(AccessTokenStatus.Usable, result.Status);
        Assert.Equal("at-b", result.Token?.AccessToken);
        var body = Assert.Single(_parts.Idp.TokenRequests);
        Assert.Contains("grant_type=refresh_token", body, StringComparison.Ordinal);
        Assert.Contains("refresh_token=rt-1", body, StringComparison.Ordinal);
        Assert.Contains("scope=read+write", body, StringComparison.Ordinal);
        var stored = (await _parts.Store.GetFreshAsync("s1", default))!;
        Assert.Equal("at-main", stored.Tokens.AccessToken);
        Assert.Equal("rt-2", stored.Tokens.RefreshToken);
        Assert.Equal("at-b", stored.Tokens.Find(ApiB.Resource, ApiB.Scope)!.AccessToken);

        // Kept: the next request needs no IdP call.
        Assert.Equal("at-b", (await _manager.GetAsync(stored, ApiB, default)).Token?.AccessToken);
        Assert.Single(_parts.Idp.TokenRequests);
    }

    [Fact]
    public async Task GetAsync_AudienceParameter_SentAsAudience()
    {
        _parts.Options.Tokens.ResourceParameter = ResourceParameters.Audience;
        var session = await SeedAsync(TimeSpan.FromMinutes(5));
        RespondFor("audience=" + Form(ApiA.Resource!), "at-a", "rt-2");

        var result = await _manager.GetAsync(session, ApiA, default);

        Assert.Equal("at-a", result.Token?.AccessToken);
        Assert.DoesNotContain("resource=", Assert.Single(_parts.Idp.TokenRequests), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_ApiTokenDue_RefreshedBeforeExpiry_OncePerExpiry()
    {
        var now = _parts.Time.GetUtcNow();
        var session = await SeedAsync(TimeSpan.FromMinutes(30), new ResourceToken(ApiA.Resource, null, "at-a1", now.AddSeconds(90)));
        RespondFor("resource=" + Form(ApiA.Resource!), "at-a2", "rt-2", delay: TimeSpan.FromMilliseconds(200));

        Assert.Equal("at-a1", (await _manager.GetAsync(session, ApiA, default)).Token?.AccessToken);
        Assert.Empty(_parts.Idp.TokenRequests);

        _parts.Time.Advance(TimeSpan.FromSeconds(40));
        var results = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => _manager.GetAsync(session, ApiA, default).AsTask()));

        Assert.All(results, r => Assert.Equal("at-a2", r.Token?.AccessToken));
        Assert.Single(_parts.Idp.TokenRequests);
    }

    [Fact]
    public async Task GetAsync_TwoApisAndTheSessionsOwnAtOnce_OneRefreshEach_EachWithTheRotatedRefreshToken()
    {
        var session = await SeedAsync(TimeSpan.FromSeconds(10));
        RespondFor("resource=" + Form(ApiA.Resource!), "at-a", "rt-a", delay: TimeSpan.FromMilliseconds(150));
        RespondFor("resource=" + Form(ApiB.Resource!), "at-b", "rt-b", delay: TimeSpan.FromMilliseconds(150));
        _parts.Idp.RespondTokens("at-main2", "rt-main", delay: TimeSpan.FromMilliseconds(150));

        var requests = Enumerable.Range(0, 20).SelectMany(_ => new[]
        {
            _manager.GetAsync(session, ApiA, default).AsTask(),
            _manager.GetAsync(session, ApiB, default).AsTask(),
            _manager.GetAsync(session, default).AsTask(),
        }).ToArray();
        var results = await Task.WhenAll(requests);

        Assert.All(results, r => Assert.Equal(AccessTokenStatus.Usable, r.Status));
        Assert.All(results.Where((_, i) => i % 3 == 0), r => Assert.Equal("at-a", r.Token?.AccessToken));
        Assert.All(results.Where((_, i) => i % 3 == 1), r => Assert.Equal("at-b", r.Token?.AccessToken));
        Assert.All(results.Where((_, i) => i % 3 == 2), r => Assert.Equal("at-main2", r.Token?.AccessToken));

        // Three refreshes, one after the other: each sent the refresh token the one before it got, none was replayed.
        var sent = _parts.Idp.TokenRequests.Select(b => b.Split('&').Single(p => p.StartsWith("refresh_token=", StringComparison.Ordinal))).ToArray();
        Assert.Equal(3, sent.Length);
        Assert.Equal(3, sent.Distinct().Count());
        Assert.Equal("refresh_token=rt-1", sent[0]);

        var stored = (await _parts.Store.GetFreshAsync("s1", default))!;
        Assert.Equal("at-main2", stored.Tokens.AccessToken);
        Assert.Equal("at-a", stored.Tokens.Find(ApiA.Resource, null)!.AccessToken);
        Assert.Equal("at-b", stored.Tokens.Find(ApiB.Resource, ApiB.Scope)!.AccessToken);
        // The session keeps the refresh token of the last refresh: the one no refresh has sent yet.
        Assert.Contains(stored.Tokens.RefreshToken, new[] { "rt-a", "rt-b", "rt-main" });
        Assert.DoesNotContain("refresh_token=" + stored.Tokens.RefreshToken, sent);
    }

    [Theory]
    [InlineData(400, "invalid_target")]
    [InlineData(400, "invalid_scope")]
    [InlineData(400, "access_denied")]
    [InlineData(400, "consent_required")]
    public async Task GetAsync_IdpRefusesTheApi_Refused_SessionAndItsTokensStay(int status, string error)
    {
        var now = _parts.Time.GetUtcNow();
        var session = await SeedAsync(TimeSpan.FromMinutes(5), new ResourceToken(ApiB.Resource, ApiB.Scope, "at-b", now.AddMinutes(5)));
        RespondFor("resource=" + Form(ApiA.Resource!), "", "", status: status, error: error);

        var result = await _manager.GetAsync(session, ApiA, default);

        Assert.Equal(AccessTokenStatus.Refused, result.Status);
        Assert.Equal(error, result.Error);
        var stored = await _parts.Store.GetFreshAsync("s1", default);
        Assert.NotNull(stored);
        Assert.Equal("rt-1", stored.Tokens.RefreshToken);
        Assert.Equal("at-b", (await _manager.GetAsync(stored, ApiB, default)).Token?.AccessToken);
        Assert.Equal("at-main", (await _manager.GetAsync(stored, default)).Token?.AccessToken);
    }

    [Fact]
    public async Task GetAsync_InvalidGrantForAnApi_EndsTheSession()
    {
        var session = await SeedAsync(TimeSpan.FromMinutes(5));
        RespondFor("resource=" + Form(ApiA.Resource!), "", "", status: 400, error: "invalid_grant");

        var result = await _manager.GetAsync(session, ApiA, default);

        Assert.Equal(AccessTokenStatus.SessionEnded, result.Status);
        Assert.Null(await _parts.Store.GetFreshAsync("s1", default));
    }

    [Fact]
    public async Task GetAsync_SessionsOwnRefresh_KeepsTheApiTokens()
    {
        var now = _parts.Time.GetUtcNow();
        var session = await SeedAsync(TimeSpan.FromSeconds(10), new ResourceToken(ApiA.Resource, null, "at-a", now.AddMinutes(5)));
        _parts.Idp.RespondTokens("at-main2", "rt-2");

        Assert.Equal("at-main2", (await _manager.GetAsync(session, default)).Token?.AccessToken);

        var stored = (await _parts.Store.GetFreshAsync("s1", default))!;
        Assert.Equal("at-a", stored.Tokens.Find(ApiA.Resource, null)!.AccessToken);
        Assert.Equal("rt-2", stored.Tokens.RefreshToken);
    }

    [Fact]
    public async Task GetAsync_IdpDown_ValidApiTokenUsed_ExpiredNotForwarded()
    {
        var now = _parts.Time.GetUtcNow();
        var session = await SeedAsync(TimeSpan.FromMinutes(30), new ResourceToken(ApiA.Resource, null, "at-a", now.AddSeconds(30)));
        _parts.Idp.RespondTokenError(503);

        Assert.Equal("at-a", (await _manager.GetAsync(session, ApiA, default)).Token?.AccessToken);

        _parts.Time.Advance(TimeSpan.FromSeconds(31));
        var expired = await _manager.GetAsync(session, ApiA, default);

        Assert.Equal(AccessTokenStatus.IdpUnavailable, expired.Status);
        Assert.NotNull(await _parts.Store.GetFreshAsync("s1", default));
    }
}
