using System.Text.Json;
using System.Text.RegularExpressions;
using Bff.Tests.Integration.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Bff.Tests.Browser;

/// <summary>
/// <c>bff.silentLogin()</c> and the top-level <c>prompt=none</c> login in headless Chromium against the dev IdP. On
/// the IdP's own site (127.0.0.1, another port) the iframe carries the IdP's session; on another site (127.0.0.3) the
/// browser keeps the IdP's cookies out of the iframe, so silentLogin() answers false and only the top-level
/// navigation signs the user in silently.
/// </summary>
[Trait("Category", "Browser")]
[Collection(SpaCollection.Name)]
public sealed class SpaSilentLoginTests
{
    private const string SessionCookie = "__Host-bff";

    // A client of its own (no channel), so the page's shared one and its tabs are not involved.
    private const string SilentLogin = @"async () => {
        const { BffClient } = await import('/bff-client.js');
        const client = new BffClient({ channelName: null, expiringBefore: 0 });
        const isLoggedIn = await client.silentLogin({ timeoutMs: 10000 });
        return { isLoggedIn, user: (await client.user())?.sub ?? null, frames: document.querySelectorAll('iframe').length };
      }";

    private readonly SpaFixture _fixture;

    public SpaSilentLoginTests(SpaFixture fixture)
    {
        _fixture = fixture;
        SetDefaultExpectTimeout(SpaFixture.StepTimeoutMs);
    }

    [Fact]
    public async Task SignedInAtTheIdp_SilentLoginTrue_ANewSessionWithoutLeavingThePage_AndTheDemoSignsInOnStart()
    {
        await using var context = await _fixture.NewContextAsync();
        var spa = new DemoSpa(await context.NewPageAsync(), _fixture);
        await spa.OpenAsync();
        await spa.LogInAsync("alice");
        var before = await spa.SessionIdAsync();

        // The gateway's session is gone from this browser; the IdP's stays.
        await context.ClearCookiesAsync(new BrowserContextClearCookiesOptions { Name = SessionCookie });
        await spa.Page.EvaluateAsync("() => { window.sameDocument = true; }");
        var result = await spa.Page.EvaluateAsync<JsonElement>(SilentLogin);

        Assert.True(result.GetProperty("isLoggedIn").GetBoolean());
        Assert.Equal("alice", result.GetProperty("user").GetString());
        Assert.Equal(0, result.GetProperty("frames").GetInt32());
        Assert.Equal(spa.Root, spa.Page.Url);
        Assert.True(await spa.Page.EvaluateAsync<bool>("() => window.sameDocument === true"), "silent login must not navigate the page");

        // The demo's check on start: the IdP knows alice, so no login page and no button to press.
        await context.ClearCookiesAsync(new BrowserContextClearCookiesOptions { Name = SessionCookie });
        var fresh = new DemoSpa(await context.NewPageAsync(), _fixture);
        await fresh.OpenAsync();
        await fresh.WaitForStateAsync("signed-in");
        await Expect(fresh.Notes).ToHaveTextAsync(DemoUsers.AliceNotes);
        Assert.Equal(fresh.Root, fresh.Page.Url);
        Assert.NotEqual(before, await fresh.SessionIdAsync());
    }

    [Fact]
    public async Task NotSignedInAtTheIdp_SilentLoginFalse_NoNavigation_NoLoop_AnsweredByTheGateway()
    {
        await using var context = await _fixture.NewContextAsync();
        var counts = Count(context);
        var spa = new DemoSpa(await context.NewPageAsync(), _fixture);
        await spa.OpenAsync();
        await spa.WaitForStateAsync("anonymous");
        await spa.Page.EvaluateAsync("() => { window.sameDocument = true; }");

        var result = await spa.Page.EvaluateAsync<JsonElement>(SilentLogin);

        Assert.False(result.GetProperty("isLoggedIn").GetBoolean());
        Assert.Equal(JsonValueKind.Null, result.GetProperty("user").ValueKind);
        Assert.Equal(0, result.GetProperty("frames").GetInt32());
        Assert.Equal(spa.Root, spa.Page.Url);
        Assert.True(await spa.Page.EvaluateAsync<bool>("() => window.sameDocument === true"));
        // One start on the demo's start, one asked for: each answered by the callback's page, not by the timeout.
        Assert.Equal(2, counts.SilentStarts);
        Assert.Equal(2, counts.Callbacks);
        Assert.Equal(0, counts.Logins);
        Assert.DoesNotContain(await context.CookiesAsync(), c => c.Name == SessionCookie);
    }

    [Fact]
    public async Task IdpOnAnotherSite_SilentLoginFalse_TheTopLevelPromptNoneSignsIn_OrLandsWithTheError()
    {
        await using var idp = await DevIdp.StartAsync(new DevIdpOptions { Host = "127.0.0.3" });
        await using var gateway = await GatewayProcess.StartAsync(GatewayConfig.Create(idp, _fixture.Redis, _fixture.ApiAddress));

        await using var context = await _fixture.NewContextAsync();
        var spa = new DemoSpa(await context.NewPageAsync(), _fixture, gateway, idp);
        await spa.OpenAsync();
        await spa.LogInAsync("bob");
        await context.ClearCookiesAsync(new BrowserContextClearCookiesOptions { Name = SessionCookie });
        var counts = Count(context);

        // Chromium does not send the IdP's SameSite=Lax cookies into a cross-site iframe: the IdP sees nobody.
        var result = await spa.Page.EvaluateAsync<JsonElement>(SilentLogin);
        Assert.False(result.GetProperty("isLoggedIn").GetBoolean());
        Assert.Equal(1, counts.Callbacks);

        // The documented way there: a top-level navigation with prompt=none, which carries the IdP's cookies. (The
        // demo API trusts only the run's IdP, so this gateway's notes stay empty: the user's name shows the session.)
        await spa.Page.EvaluateAsync("() => { window.sameDocument = true; }");
        await LoginPromptNoneAsync(spa);
        await spa.Page.WaitForFunctionAsync("() => window.sameDocument !== true");
        await Expect(spa.Page).ToHaveURLAsync(spa.Root);
        await spa.WaitForStateAsync("signed-in");
        await Expect(spa.UserName).ToHaveTextAsync("Bob Builder");
        Assert.Equal(1, counts.Logins);

        // Nobody at the IdP: back on the page with the error, signed out, and nothing starts another login.
        await using var stranger = await _fixture.NewContextAsync();
        var strangerCounts = Count(stranger);
        var other = new DemoSpa(await stranger.NewPageAsync(), _fixture, gateway, idp);
        await other.OpenAsync();
        await other.WaitForStateAsync("anonymous");
        await other.Page.EvaluateAsync("() => { window.sameDocument = true; }");
        await LoginPromptNoneAsync(other);
        await other.Page.WaitForFunctionAsync("() => window.sameDocument !== true");
        await Expect(other.Page).ToHaveURLAsync(new Regex("^" + Regex.Escape(other.Root) + "$"));
        await other.WaitForStateAsync("anonymous");
        Assert.Equal(1, strangerCounts.Logins);
        Assert.Equal(1, strangerCounts.ErrorLandings);
        Assert.Equal(1, strangerCounts.SilentStarts); // the first start's check only: the landing skips it
    }

    // Started without waiting for it, so the evaluation is over before the navigation replaces the page; done when
    // the gateway's callback has answered.
    private static Task LoginPromptNoneAsync(DemoSpa spa) =>
        spa.Page.RunAndWaitForResponseAsync(
            () => spa.Page.EvaluateAsync("() => { import('/bff-client.js').then((m) => m.bff.login('/', { prompt: 'none' })); }"),
            response => response.Url.StartsWith(spa.Root + "signin-oidc", StringComparison.Ordinal));

    private static RequestCounts Count(IBrowserContext context)
    {
        var counts = new RequestCounts();
        context.Request += (_, request) =>
        {
            var path = new Uri(request.Url).AbsolutePath;
            if (path == "/bff/silent-login")
            {
                Interlocked.Increment(ref counts.SilentStarts);
            }
            else if (path == "/bff/login")
            {
                Interlocked.Increment(ref counts.Logins);
            }
        };
        context.Response += (_, response) =>
        {
            var url = new Uri(response.Url);
            if (url.AbsolutePath == "/signin-oidc" && response.Status == 200)
            {
                Interlocked.Increment(ref counts.Callbacks);
            }
            else if (url.AbsolutePath == "/signin-oidc" && response.Status == 302
                && response.Headers.TryGetValue("location", out var location) && location.Contains("#bff-login-error=login_required", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref counts.ErrorLandings);
            }
        };
        return counts;
    }

    private sealed class RequestCounts
    {
        public int SilentStarts;
        public int Logins;
        public int Callbacks;
        public int ErrorLandings;
    }
}
