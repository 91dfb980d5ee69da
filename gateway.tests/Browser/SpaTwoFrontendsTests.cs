using Bff.Tests.Support;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Bff.Tests.Browser.TwoFrontendsFixture;
using static Microsoft.Playwright.Assertions;

namespace Bff.Tests.Browser;

/// <summary>
/// The customer SPA and the admin console, two frontends of one gateway (<see cref="TwoFrontendsFixture"/>), in one
/// headless Chromium context per test: one browser, one IdP session, two origins. Their sessions stay apart (a
/// login, a cookie, a logout at the gateway) until the IdP session itself ends, which ends both.
/// </summary>
[Trait("Category", "Browser")]
[Collection(SpaCollection.Name)]
public sealed class SpaTwoFrontendsTests : IClassFixture<TwoFrontendsFixture>
{
    private const string AdminClient = "\"clientId\": \"bff-admin\"";

    private readonly SpaFixture _fixture;
    private readonly TwoFrontendsFixture _frontends;

    public SpaTwoFrontendsTests(SpaFixture fixture, TwoFrontendsFixture frontends)
    {
        _fixture = fixture;
        _frontends = frontends;
        SetDefaultExpectTimeout(SpaFixture.StepTimeoutMs);
    }

    [Fact]
    public async Task SignedInToTheCustomerSpa_TheAdminConsoleIsNot_TillItsSilentLoginUsesTheIdpSession()
    {
        await using var context = await _fixture.NewContextAsync();
        var customer = await _frontends.OpenCustomerAsync(_fixture, context);
        await customer.LogInAsync("alice");
        await Expect(customer.Notes).ToHaveTextAsync(DemoUsers.AliceNotes);
        var customerSession = await customer.SessionIdAsync();

        var admin = await _frontends.OpenAdminAsync(_fixture, context);
        await admin.WaitForStateAsync("anonymous");
        var before = await admin.AskUserAsync();
        Assert.Equal((401, "unauthenticated"), (before.Status, before.Code));
        Assert.DoesNotContain(await context.CookiesAsync(admin.Root), c => c.Name == AdminCookie);

        // The console is on the IdP's site: the iframe carries the IdP's session, and the console's client signs in.
        Assert.True(await admin.Page.EvaluateAsync<bool>("async () => (await import('/bff-client.js')).bff.silentLogin()"));
        var after = await admin.AskUserAsync();
        Assert.Equal((200, "alice"), (after.Status, after.Sub));
        Assert.NotEqual(customerSession, after.SessionId);

        // Opened again, the console shows alice, and its own route answers with a token of its own client.
        await admin.OpenAsync("/admin/");
        await admin.WaitForStateAsync("signed-in");
        await Expect(admin.UserName).ToHaveTextAsync("Alice Liddell");
        await Expect(admin.Page.Locator("#me")).ToContainTextAsync(AdminClient);
        Assert.Equal(customerSession, (await customer.AskUserAsync()).SessionId);
    }

    [Fact]
    public async Task TheAdminConsolesCookie_UnderTheCustomersCookieName_IsRefused()
    {
        await using var adminContext = await _fixture.NewContextAsync();
        var admin = await _frontends.OpenAdminAsync(_fixture, adminContext);
        await admin.LogInAsync("alice");
        var adminCookie = Assert.Single(await adminContext.CookiesAsync(admin.Root), c => c.Name == AdminCookie);

        // Another browser gets the console's cookie twice: under the customer's name on the customer's origin,
        // and as it was on the console's.
        await using var context = await _fixture.NewContextAsync();
        await context.AddCookiesAsync([Copy(adminCookie, CustomerCookie, _frontends.CustomerRoot), Copy(adminCookie, AdminCookie, _frontends.AdminRoot)]);
        Assert.Contains(await context.CookiesAsync(_frontends.CustomerRoot.ToString()), c => c.Name == CustomerCookie && c.Value == adminCookie.Value);

        var customer = await _frontends.OpenCustomerAsync(_fixture, context);
        var refused = await customer.AskUserAsync();
        Assert.Equal((401, "unauthenticated"), (refused.Status, refused.Code));
        await customer.WaitForStateAsync("anonymous");

        // On its own origin the same value is the console's session still: the customer frontend is what refused it.
        var console = await _frontends.OpenAdminAsync(_fixture, context);
        await console.WaitForStateAsync("signed-in");
        Assert.Equal(await admin.SessionIdAsync(), (await console.AskUserAsync()).SessionId);
    }

    [Fact]
    public async Task LoggingOutOfOneFrontendAtTheGateway_LeavesTheOtherSignedIn()
    {
        await using var context = await _fixture.NewContextAsync();
        var (customer, admin) = await SignedInToBothAsync(context);
        var customerSession = await customer.SessionIdAsync();

        // bff.logout() without going on to the IdP: the IdP's end-session would end the IdP session, and with it every
        // frontend's session of it (the last two tests).
        await LogOutAtTheGatewayAsync(admin);
        var loggedOut = await admin.AskUserAsync();
        Assert.Equal((401, "unauthenticated"), (loggedOut.Status, loggedOut.Code));
        await customer.Page.Locator("#refresh-notes").ClickAsync();
        await Expect(customer.Notes).ToHaveTextAsync(DemoUsers.AliceNotes);
        await customer.WaitForStateAsync("signed-in");
        Assert.Equal(customerSession, (await customer.AskUserAsync()).SessionId);

        // And the other way round, once the console has signed in again.
        await admin.LogInWithIdpSessionAsync();
        var adminSession = await admin.SessionIdAsync();
        await LogOutAtTheGatewayAsync(customer);
        Assert.Equal(401, (await customer.AskUserAsync()).Status);
        await admin.Page.Locator("#refresh").ClickAsync();
        await Expect(admin.Page.Locator("#me")).ToContainTextAsync(AdminClient);
        await admin.WaitForStateAsync("signed-in");
        Assert.Equal(adminSession, (await admin.AskUserAsync()).SessionId);
    }

    [Fact]
    public async Task SignedOutAtTheIdp_BackchannelLogoutEndsBothFrontendsSessions()
    {
        await using var context = await _fixture.NewContextAsync();
        var (customer, admin) = await SignedInToBothAsync(context);
        await ListenForSessionExpiredAsync(admin);

        // The IdP's sign-out for the console's client, in a tab of its own: neither SPA takes part. The IdP has sent
        // each client's back-channel logout by the time it redirects.
        var idpTab = await context.NewPageAsync();
        var postLogout = Uri.EscapeDataString(new Uri(_frontends.AdminRoot, "signout-callback-oidc").ToString());
        await idpTab.GotoAsync(
            $"{_frontends.Idp.Issuer}/session/end?client_id=bff-admin&post_logout_redirect_uri={postLogout}",
            new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
        await Expect(idpTab).ToHaveURLAsync(new Regex("^" + Regex.Escape(admin.Root)));

        await GatewaySaysSessionExpiredAsync(customer);
        await GatewaySaysSessionExpiredAsync(admin);
        await CustomerShowsSessionExpiredAsync(customer);
        await ConsoleShowsSessionExpiredAsync(admin);
    }

    [Fact]
    public async Task TheCustomersLogOutButton_EndsTheIdpSession_SoTheConsolesSessionEndsToo()
    {
        await using var context = await _fixture.NewContextAsync();
        var (customer, admin) = await SignedInToBothAsync(context);
        await ListenForSessionExpiredAsync(admin);

        // The whole logout: the gateway's, then the IdP's end-session, whose back-channel logout reaches the console.
        await customer.LogOutAsync();

        await GatewaySaysSessionExpiredAsync(admin);
        await ConsoleShowsSessionExpiredAsync(admin);
    }

    private async Task<(DemoSpa Customer, DemoSpa Admin)> SignedInToBothAsync(IBrowserContext context)
    {
        var admin = await _frontends.OpenAdminAsync(_fixture, context);
        await admin.LogInAsync("alice");
        var customer = await _frontends.OpenCustomerAsync(_fixture, context);
        await customer.WaitForStateAsync("anonymous"); // its silent check on start is cross-site to the IdP
        await customer.LogInWithIdpSessionAsync();
        await Expect(customer.Notes).ToHaveTextAsync(DemoUsers.AliceNotes);
        Assert.NotEqual(await admin.SessionIdAsync(), await customer.SessionIdAsync());
        return (customer, admin);
    }

    private static async Task LogOutAtTheGatewayAsync(DemoSpa spa)
    {
        await spa.Page.EvaluateAsync("async () => { await (await import('/bff-client.js')).bff.logout({ navigate: false }); }");
        await spa.WaitForStateAsync("anonymous");
    }

    // The console has no dialog of its own for it: the code of the page's session-expired event says what ended.
    private static Task ListenForSessionExpiredAsync(DemoSpa admin) =>
        admin.Page.EvaluateAsync(@"async () => {
            const { bff } = await import('/bff-client.js');
            window.expiredCode = new Promise((resolve) => bff.addEventListener('session-expired', (e) => resolve(e.detail.code)));
          }");

    private static Task GatewaySaysSessionExpiredAsync(DemoSpa spa) =>
        Eventually.TrueAsync(
            async () => await spa.AskUserAsync() is (401, "session_expired", _, _),
            TimeSpan.FromSeconds(30), $"{spa.Root} to answer 401 session_expired", TimeSpan.FromMilliseconds(50));

    /// <summary>The customer SPA learns at its next call, and shows its dialog.</summary>
    private static async Task CustomerShowsSessionExpiredAsync(DemoSpa customer)
    {
        await customer.Page.Locator("#refresh-notes").ClickAsync();
        await Expect(customer.ExpiredDialog).ToBeVisibleAsync();
        await customer.WaitForStateAsync("expired");
    }

    /// <summary>The console learns at its next call, and shows its login.</summary>
    private static async Task ConsoleShowsSessionExpiredAsync(DemoSpa admin)
    {
        await admin.Page.Locator("#refresh").ClickAsync();
        Assert.Equal("session_expired", await admin.Page.EvaluateAsync<string>("() => window.expiredCode"));
        await admin.WaitForStateAsync("anonymous");
    }

    // A __Host- cookie: Secure, Path=/, and host-only (a Domain that is the IP address itself makes one).
    private static Cookie Copy(BrowserContextCookiesResult cookie, string name, Uri origin) => new()
    {
        Name = name,
        Value = cookie.Value,
        Domain = origin.Host,
        Path = "/",
        Secure = true,
        HttpOnly = true,
        SameSite = cookie.SameSite,
    };
}
