using System.Net;

namespace Bff.Tests.Authentication;

/// <summary>
/// Every 401 the gateway answers for a session that is gone carries <c>Bff-Session: ended</c>, the mark bff-client.js
/// ends the session on: no cookie, a cookie whose session ended, a session that ended while its token was needed.
/// </summary>
[Collection(InProcessHostCollection.Name)]
public sealed class SessionEndedProblemTests : IClassFixture<ProxyGatewayFixture>
{
    private readonly ProxyGatewayFixture _gateway;

    public SessionEndedProblemTests(ProxyGatewayFixture gateway)
    {
        _gateway = gateway;
    }

    private async Task<HttpResponseMessage> SendAsync(string path, params string[] cookies) =>
        await _gateway.Client.SendAsync(GatewayRequest.Browser("GET", path, cookies).ToMessage());

    private static async Task AssertSessionEndedAsync(HttpResponseMessage response, string code)
    {
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, code);
        Assert.Equal("ended", Assert.Single(response.Headers.GetValues("Bff-Session")));
    }

    [Theory]
    [InlineData("/bff/user")]
    [InlineData("/bff/csrf")]
    [InlineData("/api/data")]
    public async Task NoCookie_Unauthenticated_Marked(string path)
    {
        using var response = await SendAsync(path);

        await AssertSessionEndedAsync(response, "unauthenticated");
    }

    [Theory]
    [InlineData("/bff/user")]
    [InlineData("/api/data")]
    public async Task CookieOfAnEndedSession_SessionExpired_Marked(string path)
    {
        var alice = await _gateway.CreateSessionAsync("alice");
        await alice.EndAsync(_gateway.Services);

        using var response = await SendAsync(path, alice.Cookie);

        await AssertSessionEndedAsync(response, "session_expired");
    }

    [Fact]
    public async Task TokenExpiredWithNothingToRefreshWith_SessionExpiredFromTheProxy_Marked()
    {
        var alice = await TestSessions.SeedAsync(_gateway.Services, "alice", session => session with
        {
            Tokens = session.Tokens with { RefreshToken = null, AccessTokenExpiresAt = session.CreatedAt.AddMinutes(-1) },
        });
        _gateway.Upstream.ResetLogEntries();

        using var response = await SendAsync("/api/data", alice.Cookie);

        await AssertSessionEndedAsync(response, "session_expired");
        Assert.Empty(_gateway.Upstream.LogEntries);
    }

    [Fact]
    public async Task OtherProblems_NotMarked()
    {
        var alice = await _gateway.CreateSessionAsync("alice");

        using var csrf = await _gateway.Client.SendAsync((GatewayRequest.Browser("GET", "/api/data", alice.Cookie) with { Csrf = false }).ToMessage());
        using var ok = await SendAsync("/bff/user", alice.Cookie);

        await ProblemAssert.IsProblemAsync(csrf, HttpStatusCode.Forbidden, "csrf");
        Assert.False(csrf.Headers.Contains("Bff-Session"));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.False(ok.Headers.Contains("Bff-Session"));
    }
}
