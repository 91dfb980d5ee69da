using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Bff.Tests.Browser;

/// <summary>
/// The demo SPA and bff-client.js in headless Chromium, against the real gateway process, the dev IdP
/// (typed into like a person would), the demo API and a real Redis. Few tests, each a whole story.
/// </summary>
[Trait("Category", "Browser")]
public sealed class SpaBrowserTests : IClassFixture<SpaFixture>
{
    // What of alice's could leak: her name, e-mail and notes (infra/demo-api/Notes.cs).
    private static readonly string[] AliceMarkers = ["Alice", "alice@example.com", "White Rabbit", "Tea party", "EAT ME"];
    private static readonly string[] AliceNotes = ["Follow the White Rabbit", "Tea party at six with the Hatter and the March Hare", "Do not eat anything labelled EAT ME before measuring the door"];
    private static readonly string[] BobNotes = ["Pour the foundations for the school on Monday", "Order 400 bricks and a new cement mixer", "Can we fix it? Yes we can"];

    private readonly SpaFixture _fixture;

    public SpaBrowserTests(SpaFixture fixture)
    {
        _fixture = fixture;
        SetDefaultExpectTimeout(SpaFixture.StepTimeoutMs);
    }

    [Fact]
    public async Task UserSwitch_AliceLogsOutAndBobLogsIn_NothingOfAliceRemains()
    {
        await using var context = await _fixture.NewContextAsync();
        var spa = new DemoSpa(await context.NewPageAsync(), _fixture);
        await spa.OpenAsync();
        await spa.ScreenshotAsync("01-signed-out");

        await spa.LogInAsync("alice");
        await Expect(spa.UserName).ToHaveTextAsync("Alice Liddell");
        await Expect(spa.Notes).ToHaveTextAsync(AliceNotes);
        await spa.ScreenshotAsync("02-alice-notes");
        var aliceToken = await spa.Page.EvaluateAsync<string>(
            "async () => (await (await fetch('/bff/csrf', { headers: { 'X-CSRF': '1' } })).json()).token");

        await spa.LogOutAsync();
        Assert.DoesNotContain("White Rabbit", await spa.VisibleAndHiddenTextAsync(), StringComparison.Ordinal);

        // From here on, every answer the gateway gives this browser is bob's or nobody's.
        var bodies = new ConcurrentQueue<Task<string>>();
        spa.Page.Response += (_, response) =>
        {
            if (response.Url.StartsWith(_fixture.Gateway.BaseAddress.ToString(), StringComparison.Ordinal) && response.Status is >= 200 and < 300)
            {
                bodies.Enqueue(BodyOrEmptyAsync(response));
            }
        };

        await spa.LogInAsync("bob");
        await Expect(spa.UserName).ToHaveTextAsync("Bob Builder");
        await Expect(spa.Notes).ToHaveTextAsync(BobNotes);
        await spa.ScreenshotAsync("03-bob-after-alice");

        var page = await spa.VisibleAndHiddenTextAsync();
        foreach (var marker in AliceMarkers)
        {
            Assert.DoesNotContain(marker, page, StringComparison.Ordinal);
        }

        var seen = await Task.WhenAll(bodies);
        Assert.Contains(seen, body => body.Contains("Can we fix it?", StringComparison.Ordinal));
        foreach (var body in seen)
        {
            foreach (var marker in AliceMarkers)
            {
                Assert.DoesNotContain(marker, body, StringComparison.Ordinal);
            }
        }

        // Nothing of the authenticated answers sits in the HTTP cache, Cache Storage or web storage.
        var leftovers = await spa.Page.EvaluateAsync<JsonElement>(@"async () => {
            const cached = [];
            for (const path of ['/api/notes', '/bff/user', '/bff/csrf']) {
              try {
                await fetch(path, { cache: 'only-if-cached', mode: 'same-origin', headers: { 'X-CSRF': '1' } });
                cached.push(path);
              } catch { /* not in the cache: what we want */ }
            }
            return { cached, cacheNames: await caches.keys(), local: localStorage.length, session: sessionStorage.length };
          }");
        Assert.Equal(0, leftovers.GetProperty("cached").GetArrayLength());
        Assert.Equal(0, leftovers.GetProperty("cacheNames").GetArrayLength());
        Assert.Equal(0, leftovers.GetProperty("local").GetInt32());
        Assert.Equal(0, leftovers.GetProperty("session").GetInt32());

        // alice's antiforgery token is refused in bob's session; the client's own (bob's) is accepted.
        var withAliceToken = await spa.Page.EvaluateAsync<JsonElement>(@"async (token) => {
            const response = await fetch('/api/notes', { method: 'POST', headers: { 'X-CSRF': '1', 'X-XSRF-TOKEN': token } });
            return { status: response.status, code: (await response.json()).code };
          }", aliceToken);
        Assert.Equal(403, withAliceToken.GetProperty("status").GetInt32());
        Assert.Equal("csrf", withAliceToken.GetProperty("code").GetString());
        var withClient = await spa.Page.EvaluateAsync<int>(
            "async () => (await (await import('/bff-client.js')).bff.fetch('/api/notes', { method: 'POST' })).status");
        Assert.Equal(405, withClient); // through the CSRF checks to the demo API, which has no POST /api/notes
    }

    [Fact]
    public async Task TwoTabs_LogoutInOne_TheOtherShowsSignedOutWithoutAReload_AndFollowsTheNextLogin()
    {
        await using var context = await _fixture.NewContextAsync();
        var first = new DemoSpa(await context.NewPageAsync(), _fixture);
        await first.OpenAsync();
        await first.LogInAsync("alice");

        var second = new DemoSpa(await context.NewPageAsync(), _fixture);
        await second.OpenAsync();
        await second.WaitForStateAsync("signed-in");
        await Expect(second.Notes).ToHaveTextAsync(AliceNotes);
        await second.Page.EvaluateAsync("() => { window.sameDocument = true; }");

        await first.LogOutAsync();

        await second.WaitForStateAsync("anonymous");
        await Expect(second.Page.Locator("#login")).ToBeVisibleAsync();
        await Expect(second.Notes).ToHaveCountAsync(0);
        await Expect(second.UserName).ToBeEmptyAsync();
        Assert.True(await second.Page.EvaluateAsync<bool>("() => window.sameDocument === true"), "the other tab must update in place, not reload");
        await second.ScreenshotAsync("04-other-tab-after-logout");

        // A login in the first tab signs the second one in again, still without a reload.
        await first.LogInAsync("alice");
        await second.WaitForStateAsync("signed-in");
        await Expect(second.Notes).ToHaveTextAsync(AliceNotes);
        Assert.True(await second.Page.EvaluateAsync<bool>("() => window.sameDocument === true"));
    }

    [Fact]
    public async Task RevokedFromAnotherDevice_NextApiCall_ShowsSessionExpiredDialog()
    {
        await using var laptop = await _fixture.NewContextAsync();
        await using var phone = await _fixture.NewContextAsync();
        var onLaptop = new DemoSpa(await laptop.NewPageAsync(), _fixture);
        await onLaptop.OpenAsync();
        await onLaptop.LogInAsync("alice");
        var laptopSession = await onLaptop.SessionIdAsync();

        var onPhone = new DemoSpa(await phone.NewPageAsync(), _fixture);
        await onPhone.OpenAsync("/#/devices");
        await onPhone.LogInAsync("alice");
        await Expect(onPhone.Page.Locator("#devices-view")).ToBeVisibleAsync();
        var laptopRow = onPhone.Page.Locator($"#sessions tr[data-session-id='{laptopSession}']");
        await Expect(onPhone.Page.Locator("#sessions tr.current")).ToHaveCountAsync(1);
        await Expect(laptopRow).ToBeVisibleAsync();
        await onPhone.ScreenshotAsync("05-devices");

        await laptopRow.Locator("button.revoke").ClickAsync();
        await Expect(onPhone.Page.Locator("#devices-status")).ToHaveTextAsync("The session was revoked.");
        await Expect(laptopRow).ToHaveCountAsync(0);

        // The laptop learns at its next call, and shows nothing of the user behind the dialog.
        await onLaptop.Page.Locator("#refresh-notes").ClickAsync();
        await Expect(onLaptop.ExpiredDialog).ToBeVisibleAsync();
        await onLaptop.WaitForStateAsync("expired");
        await Expect(onLaptop.Notes).ToHaveCountAsync(0);
        await onLaptop.ScreenshotAsync("06-session-expired");

        // "Log in again": the IdP still knows the laptop (revocation ends no IdP session), so no form this time.
        await onLaptop.Page.Locator("#session-expired-login").ClickAsync();
        await onLaptop.WaitForStateAsync("signed-in");
        await Expect(onLaptop.ExpiredDialog).ToBeHiddenAsync();
        await Expect(onLaptop.Notes).ToHaveTextAsync(AliceNotes);
        Assert.NotEqual(laptopSession, await onLaptop.SessionIdAsync());

        // "Log out other devices" on the phone ends the laptop's new session as well.
        await onPhone.Page.Locator("#revoke-others").ClickAsync();
        await Expect(onPhone.Page.Locator("#devices-status")).ToHaveTextAsync(new Regex("^Signed out [1-9][0-9]* other devices?\\.$"));
        await Expect(onPhone.Page.Locator("#sessions tr")).ToHaveCountAsync(1);
        await onLaptop.Page.Locator("#refresh-notes").ClickAsync();
        await Expect(onLaptop.ExpiredDialog).ToBeVisibleAsync();
    }

    [Fact]
    public async Task BackButtonAfterLogout_ShowsNothingOfTheUser_AndAsksTheGatewayAgain()
    {
        await using var context = await _fixture.NewContextAsync(backForwardCache: true);
        var spa = new DemoSpa(await context.NewPageAsync(), _fixture);
        await spa.OpenAsync();
        await spa.LogInAsync("alice");
        await Expect(spa.Notes).ToHaveTextAsync(AliceNotes);
        await spa.LogOutAsync();

        var answers = new ConcurrentQueue<(string Path, int Status)>();
        spa.Page.Response += (_, response) =>
        {
            var url = new Uri(response.Url);
            if (url.AbsolutePath is "/bff/user" or "/api/notes")
            {
                answers.Enqueue((url.AbsolutePath, response.Status));
            }
        };

        // Back to the page that showed alice's notes (restored from the back/forward cache or loaded again).
        await spa.Page.GoBackAsync(new PageGoBackOptions { WaitUntil = WaitUntilState.Commit });
        Assert.StartsWith(_fixture.Gateway.BaseAddress.ToString(), spa.Page.Url, StringComparison.Ordinal);
        await spa.WaitForStateAsync("anonymous");
        await spa.ScreenshotAsync("07-back-after-logout");

        var page = await spa.VisibleAndHiddenTextAsync();
        foreach (var marker in AliceMarkers)
        {
            Assert.DoesNotContain(marker, page, StringComparison.Ordinal);
        }

        // The app asked the gateway again, over the network, and was told nobody is signed in.
        Assert.Contains(answers, a => a.Path == "/bff/user" && a.Status == 401);
        Assert.DoesNotContain(answers, a => a.Status == 200);
        var fromNetwork = await spa.Page.EvaluateAsync<JsonElement>(@"async () => {
            const response = await fetch('/api/notes', { headers: { 'X-CSRF': '1' } });
            const timing = performance.getEntriesByName(new URL('/api/notes', location.href).href).at(-1);
            return { status: response.status, code: (await response.json()).code, transferSize: timing.transferSize };
          }");
        Assert.Equal(401, fromNetwork.GetProperty("status").GetInt32());
        Assert.Equal("unauthenticated", fromNetwork.GetProperty("code").GetString());
        Assert.True(fromNetwork.GetProperty("transferSize").GetInt32() > 0, "the answer must come from the network, not the cache");
    }

    [Fact]
    public async Task Client_TokenOfAnEndedSession_IsFetchedAgainAndTheCallRetriedOnce()
    {
        await using var context = await _fixture.NewContextAsync();
        var spa = new DemoSpa(await context.NewPageAsync(), _fixture);
        await spa.OpenAsync();
        await spa.LogInAsync("bob");
        var tokenRequests = 0;
        var csrfRefusals = 0;
        spa.Page.Response += (_, response) =>
        {
            var path = new Uri(response.Url).AbsolutePath;
            if (path == "/bff/csrf")
            {
                Interlocked.Increment(ref tokenRequests);
            }
            else if (path == "/api/notes" && response.Status == 403)
            {
                Interlocked.Increment(ref csrfRefusals);
            }
        };

        // A client of its own that no other tab talks to (no BroadcastChannel): it keeps its token.
        Assert.Equal(405, await spa.Page.EvaluateAsync<int>(@"async () => {
            const { BffClient } = await import('/bff-client.js');
            window.isolated = new BffClient({ channelName: null });
            return (await isolated.fetch('/api/notes', { method: 'POST', body: 'one' })).status;
          }"));
        Assert.Equal(405, await spa.Page.EvaluateAsync<int>("async () => (await isolated.fetch('/api/notes', { method: 'POST', body: 'two' })).status"));
        Assert.Equal(1, tokenRequests);

        // Another tab logs in again (the IdP remembers bob): the cookie now names a new session.
        var other = await context.NewPageAsync();
        await other.GotoAsync("/bff/login?returnUrl=/", new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
        await new DemoSpa(other, _fixture).WaitForStateAsync("signed-in");

        Assert.Equal(405, await spa.Page.EvaluateAsync<int>("async () => (await isolated.fetch('/api/notes', { method: 'POST', body: 'three' })).status"));
        Assert.Equal(1, csrfRefusals);
        Assert.Equal(2, tokenRequests);

        // Only the gateway's own origin gets the headers.
        var refused = await spa.Page.EvaluateAsync<string>(
            "async () => { try { await isolated.fetch('http://127.0.0.2:9/api'); return 'sent'; } catch (e) { return e.name; } }");
        Assert.Equal("TypeError", refused);
    }

    private static async Task<string> BodyOrEmptyAsync(IResponse response)
    {
        try
        {
            return await response.TextAsync();
        }
        catch (PlaywrightException)
        {
            return string.Empty; // a redirect or a page that is gone has no body to read
        }
    }
}
