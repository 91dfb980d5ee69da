using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Bff.Tests.Browser;

/// <summary>
/// Logging out in the demo SPA and bff-client.js in headless Chromium, against the real gateway process, the dev IdP
/// (typed into like a person would), the demo API and a real Redis: nothing of the user remains, whatever the browser
/// keeps. Few tests, each a whole story.
/// </summary>
[Trait("Category", "Browser")]
[Collection(SpaCollection.Name)]
public sealed class SpaLogoutTests
{
    private readonly SpaFixture _fixture;

    public SpaLogoutTests(SpaFixture fixture)
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
        await Expect(spa.Notes).ToHaveTextAsync(DemoUsers.AliceNotes);
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
        await Expect(spa.Notes).ToHaveTextAsync(DemoUsers.BobNotes);
        await spa.ScreenshotAsync("03-bob-after-alice");

        var page = await spa.VisibleAndHiddenTextAsync();
        foreach (var marker in DemoUsers.AliceMarkers)
        {
            Assert.DoesNotContain(marker, page, StringComparison.Ordinal);
        }

        var seen = await Task.WhenAll(bodies);
        Assert.Contains(seen, body => body.Contains("Can we fix it?", StringComparison.Ordinal));
        foreach (var body in seen)
        {
            foreach (var marker in DemoUsers.AliceMarkers)
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
    public async Task BackButtonAfterLogout_ShowsNothingOfTheUser_AndAsksTheGatewayAgain()
    {
        await using var context = await _fixture.NewContextAsync(backForwardCache: true);
        var spa = new DemoSpa(await context.NewPageAsync(), _fixture);
        await spa.OpenAsync();
        await spa.LogInAsync("alice");
        await Expect(spa.Notes).ToHaveTextAsync(DemoUsers.AliceNotes);
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
        foreach (var marker in DemoUsers.AliceMarkers)
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
