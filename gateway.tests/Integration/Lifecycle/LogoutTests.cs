using Bff.Redis;
using Bff.Tests.Integration.Infrastructure;
using System.Net;
using Microsoft.AspNetCore.WebUtilities;
using static Bff.Tests.Integration.Lifecycle.LifecycleGateways;

namespace Bff.Tests.Integration.Lifecycle;

/// <summary>
/// Logout against a real Redis and the dev IdP, two gateway instances with the session cache on (for longer than
/// any wait here, see <see cref="LifecycleGateways.Config"/>): the old cookie stops working on both, by the
/// invalidation message, the refresh token is dead at the IdP, and the browser goes through the IdP's end-session
/// endpoint back to /.
/// </summary>
[Trait("Category", "Integration")]
public sealed class LogoutTests
{
    [Fact]
    public async Task Logout_EndsTheSessionOnEveryInstanceRevokesTheRefreshTokenAndLeavesThroughTheIdp()
    {
        var shared = await SharedServers.GetAsync();
        var config = Config(shared.Idp, shared.Redis);
        await using var a = await GatewayProcess.StartAsync(config);
        await using var b = await GatewayProcess.StartAsync(config);
        await Task.WhenAll(WaitForSessionCacheAsync(a), WaitForSessionCacheAsync(b));
        using var stored = new StoredSessions(shared.Redis);
        using var browser = await LoggedInAsync(a, "alice");
        using var onB = browser.WithBaseAddress(b.BaseAddress);
        var id = await SessionIdAsync(browser);
        var refreshToken = (await stored.TokensAsync(id))?.RefreshToken;
        Assert.NotNull(refreshToken);
        Assert.True(await IdpIntrospection.IsActiveAsync(shared.Idp, refreshToken));
        await AssertBothInstancesCacheAsync(a, b, stored);

        // Both instances have alice's session cached just before she logs out on a.
        Assert.Equal(HttpStatusCode.OK, (await UserAsync(browser)).Status);
        Assert.Equal(HttpStatusCode.OK, (await UserAsync(onB)).Status);
        using var oldCookieOnA = browser.Fork();
        using var oldCookieOnB = browser.Fork(b.BaseAddress);

        using var logout = await browser.GetAsync("/bff/logout?sid=" + Uri.EscapeDataString(id));

        await WaitForSessionExpiredAsync([oldCookieOnB, oldCookieOnA]);
        Assert.Equal(HttpStatusCode.Found, logout.StatusCode);
        Assert.False(await IdpIntrospection.IsActiveAsync(shared.Idp, refreshToken));

        Assert.Equal("\"cache\", \"storage\"", string.Join(", ", logout.Headers.GetValues("Clear-Site-Data")));
        CookieAssert.Deleted(browser, "__Host-bff");
        CookieAssert.Deleted(browser, "__Host-bff-af");
        var location = logout.Headers.Location!;
        Assert.StartsWith(shared.Idp.Issuer + "/session/end?", location.ToString(), StringComparison.Ordinal);
        var query = QueryHelpers.ParseQuery(location.Query);
        Assert.Equal(shared.Idp.ClientId, query["client_id"]);
        Assert.Equal(new Uri(a.BaseAddress, "/signout-callback-oidc").ToString(), query["post_logout_redirect_uri"]);
        Assert.False(query.ContainsKey("id_token_hint"));

        using var idpLogout = await browser.LogoutAtIdpAsync(location.ToString());
        Assert.Contains(idpLogout.Chain, u => u.AbsolutePath == "/signout-callback-oidc" && u.Port == a.Port);
        // Where the browser lands; what / serves is the SPA's business (a build, unlike a publish, has no wwwroot).
        Assert.Equal(new Uri(a.BaseAddress, "/"), idpLogout.FinalUri);

        // The IdP session is over too: logging in again asks for the password.
        using var again = await browser.LoginAsync("alice", "alice");
        again.EnsureSuccess();
        Assert.True(again.LoginFormSubmitted);
        Assert.NotEqual(id, await SessionIdAsync(browser));
    }

    [Fact]
    public async Task Logout_Post_AnswersTheEndSessionUrlAndEndsTheSessionEverywhere()
    {
        var shared = await SharedServers.GetAsync();
        var config = Config(shared.Idp, shared.Redis);
        await using var a = await GatewayProcess.StartAsync(config);
        await using var b = await GatewayProcess.StartAsync(config);
        await Task.WhenAll(WaitForSessionCacheAsync(a), WaitForSessionCacheAsync(b));
        using var stored = new StoredSessions(shared.Redis);
        using var browser = await LoggedInAsync(a, "bob");
        var id = await SessionIdAsync(browser);
        var refreshToken = (await stored.TokensAsync(id))!.RefreshToken!;
        using var oldCookieOnB = browser.Fork(b.BaseAddress);
        Assert.Equal(HttpStatusCode.OK, (await UserAsync(oldCookieOnB)).Status);

        using var logout = await browser.PostAsync("/bff/logout", null, await OidcGatewayHost.UnsafeHeadersAsync(browser));

        await WaitForSessionExpiredAsync([oldCookieOnB]);
        Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        using var body = System.Text.Json.JsonDocument.Parse(await logout.Content.ReadAsStringAsync());
        var endSessionUrl = body.RootElement.GetProperty("endSessionUrl").GetString()!;
        Assert.StartsWith(shared.Idp.Issuer + "/session/end?", endSessionUrl, StringComparison.Ordinal);
        Assert.DoesNotContain("id_token_hint", endSessionUrl, StringComparison.Ordinal);
        Assert.False(await IdpIntrospection.IsActiveAsync(shared.Idp, refreshToken));
        using var idpLogout = await browser.LogoutAtIdpAsync(endSessionUrl);
        Assert.Equal(new Uri(a.BaseAddress, "/"), idpLogout.FinalUri);
    }

    /// <summary>
    /// A session deleted in Redis behind the gateways' backs (no invalidation message) still works on both:
    /// proof that they answer from their caches, so the logout test above is about invalidation, not luck.
    /// </summary>
    private static async Task AssertBothInstancesCacheAsync(GatewayProcess a, GatewayProcess b, StoredSessions stored)
    {
        using var control = await LoggedInAsync(a, "bob");
        using var controlOnB = control.WithBaseAddress(b.BaseAddress);
        var controlId = await SessionIdAsync(control);
        Assert.Equal(HttpStatusCode.OK, (await UserAsync(controlOnB)).Status);

        await stored.Database.KeyDeleteAsync(Bff.Redis.RedisKeys.Default.Session(controlId));

        Assert.Equal(HttpStatusCode.OK, (await UserAsync(control)).Status);
        Assert.Equal(HttpStatusCode.OK, (await UserAsync(controlOnB)).Status);
    }
}
