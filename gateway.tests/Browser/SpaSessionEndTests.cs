using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Bff.Tests.Browser;

/// <summary>
/// A session that ends somewhere else than in this tab (another tab's logout, another device, the gateway), as the
/// demo SPA and bff-client.js in headless Chromium see it: signed out without a reload, the expired dialog, a token
/// fetched again.
/// </summary>
[Trait("Category", "Browser")]
[Collection(SpaCollection.Name)]
public sealed class SpaSessionEndTests
{
    private readonly SpaFixture _fixture;

    public SpaSessionEndTests(SpaFixture fixture)
    {
        _fixture = fixture;
        SetDefaultExpectTimeout(SpaFixture.StepTimeoutMs);
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
        await Expect(second.Notes).ToHaveTextAsync(DemoUsers.AliceNotes);
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
        await Expect(second.Notes).ToHaveTextAsync(DemoUsers.AliceNotes);
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
        await Expect(onLaptop.Notes).ToHaveTextAsync(DemoUsers.AliceNotes);
        var newLaptopSession = await onLaptop.SessionIdAsync();
        Assert.NotEqual(laptopSession, newLaptopSession);

        // "Log out other devices" on the phone ends the laptop's new session as well, once the phone's list shows it:
        // the list is as of its last load, and the button is off while it names no other device.
        await onPhone.Page.ReloadAsync(new PageReloadOptions { WaitUntil = WaitUntilState.Commit });
        await onPhone.WaitForStateAsync("signed-in");
        await Expect(onPhone.Page.Locator($"#sessions tr[data-session-id='{newLaptopSession}']")).ToBeVisibleAsync();
        await onPhone.Page.Locator("#revoke-others").ClickAsync();
        await Expect(onPhone.Page.Locator("#devices-status")).ToHaveTextAsync(new Regex("^Signed out [1-9][0-9]* other devices?\\.$"));
        await Expect(onPhone.Page.Locator("#sessions tr")).ToHaveCountAsync(1);
        await onLaptop.Page.Locator("#refresh-notes").ClickAsync();
        await Expect(onLaptop.ExpiredDialog).ToBeVisibleAsync();
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
}
