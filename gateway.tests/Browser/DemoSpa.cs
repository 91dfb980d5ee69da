using Bff.Tests.Integration.Infrastructure;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Bff.Tests.Browser;

/// <summary>
/// The demo SPA (infra/demo-spa), or its admin console (the same ids where they do the same), in one tab, driven
/// the way a person would: clicking its buttons and typing into the dev IdP's login form. Waits on the app's <c>data-state</c> (<c>loading</c>,
/// <c>anonymous</c>, <c>signed-in</c>, <c>expired</c>) and on elements, never on the clock, and not on
/// load events either: the URL is polled (<c>Expect(page).ToHaveURLAsync</c>), then the page itself says
/// when it is ready. <c>WaitForURLAsync</c> is not used: when the URL already matches it waits for a load
/// state of a document a redirect may already have replaced, and it timed out that way in two runs of .ci/run.
/// </summary>
/// <remarks>
/// <paramref name="gateway"/> and <paramref name="idp"/> name a gateway and IdP a test started of its own;
/// <paramref name="root"/> another origin of that gateway (a second frontend's, such as the admin console's).
/// </remarks>
internal sealed class DemoSpa(IPage page, SpaFixture fixture, GatewayProcess? gateway = null, DevIdp? idp = null, Uri? root = null)
{
    public IPage Page => page;

    public ILocator App => page.Locator("#app");

    public ILocator Notes => page.Locator("#notes li");

    public ILocator UserName => page.Locator("#user-name");

    public ILocator ExpiredDialog => page.Locator("#session-expired");

    public string Root => (root ?? (gateway ?? fixture.Gateway).BaseAddress).ToString();

    /// <summary>Opens <paramref name="path"/> and waits until the app has asked the gateway who is signed in.</summary>
    public async Task OpenAsync(string path = "/")
    {
        await page.GotoAsync(new Uri(new Uri(Root), path).ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
        await App.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
        await Expect(App).Not.ToHaveAttributeAsync("data-state", "loading");
    }

    public Task WaitForStateAsync(string state) => Expect(App).ToHaveAttributeAsync("data-state", state);

    /// <summary>Clicks "Log in", types the credentials into the IdP's form and waits for the signed-in page.</summary>
    public async Task LogInAsync(string user, string loginButton = "#login")
    {
        await page.Locator(loginButton).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("^" + Regex.Escape((idp ?? fixture.Idp).Issuer) + "/interaction/"));
        await page.Locator("#login").FillAsync(user);
        await page.Locator("#password").FillAsync(user);
        await page.Locator("#submit").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("^" + Regex.Escape(Root)));
        await WaitForStateAsync("signed-in");
    }

    /// <summary>
    /// Clicks "Log in" while the IdP knows the user already (another frontend signed in there): no form, straight
    /// through the gateway's callback back to the signed-in page.
    /// </summary>
    public async Task LogInWithIdpSessionAsync(string loginButton = "#login")
    {
        await page.RunAndWaitForResponseAsync(
            () => page.Locator(loginButton).ClickAsync(),
            response => response.Url.StartsWith(Root + "signin-oidc", StringComparison.Ordinal));
        await WaitForStateAsync("signed-in");
    }

    /// <summary>
    /// Clicks "Log out" and follows the browser through the IdP's end-session page back to <c>/</c>
    /// (the contract's post-logout landing), where the app shows the signed-out state.
    /// </summary>
    public async Task LogOutAsync()
    {
        await page.RunAndWaitForResponseAsync(
            () => page.Locator("#logout").ClickAsync(),
            response => response.Url.StartsWith(Root + "signout-callback-oidc", StringComparison.Ordinal));
        await Expect(page).ToHaveURLAsync(Root);
        await WaitForStateAsync("anonymous");
    }

    /// <summary>The public handle of this tab's session, as <c>GET /bff/user</c> names it.</summary>
    public Task<string> SessionIdAsync() =>
        page.EvaluateAsync<string>("async () => (await (await import('/bff-client.js')).bff.user()).session.id");

    /// <summary>
    /// What <c>GET /bff/user</c> answers on this page's origin: its status, problem code, user and session. Asked
    /// past the app's client, so the app's state stays its own.
    /// </summary>
    public async Task<(int Status, string? Code, string? Sub, string? SessionId)> AskUserAsync()
    {
        var user = await page.EvaluateAsync<JsonElement>(@"async () => {
            const response = await fetch('/bff/user', { headers: { 'X-CSRF': '1' } });
            const body = await response.json();
            return { status: response.status, code: body.code ?? null, sub: body.sub ?? null, session: body.session?.id ?? null };
          }");
        return (user.GetProperty("status").GetInt32(), user.GetProperty("code").GetString(),
            user.GetProperty("sub").GetString(), user.GetProperty("session").GetString());
    }

    /// <summary>The whole page as a person (or a screen reader) could get at it: markup, text and form values.</summary>
    public async Task<string> VisibleAndHiddenTextAsync() =>
        await page.ContentAsync() + "\n" + await page.EvaluateAsync<string>("() => document.body.innerText");

    public Task ScreenshotAsync(string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(SpaFixture.ScreenshotDirectory, name + ".png"), FullPage = true });
}
