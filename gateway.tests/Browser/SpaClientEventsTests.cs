using System.Text.Json;
using Bff.Tests.Integration.Infrastructure;
using Microsoft.Playwright;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static Microsoft.Playwright.Assertions;

namespace Bff.Tests.Browser;

/// <summary>
/// What bff-client.js tells the app, in headless Chromium against a gateway of its own with a 30-second idle timeout:
/// an upstream's own 401 (with an empty body, or with the gateway's own problem and mark) is an <c>api-error</c>
/// and the session lives on; <c>session-expiring</c> comes before the idle deadline and "stay signed in" slides it;
/// tabs keep in step through <c>storage</c> without BroadcastChannel.
/// </summary>
[Trait("Category", "Browser")]
[Collection(SpaCollection.Name)]
public sealed class SpaClientEventsTests
{
    private readonly SpaFixture _fixture;

    public SpaClientEventsTests(SpaFixture fixture)
    {
        _fixture = fixture;
        SetDefaultExpectTimeout(SpaFixture.StepTimeoutMs);
    }

    private Task<GatewayProcess> StartGatewayAsync(WireMockServer? forger = null)
    {
        var config = GatewayConfig.Create(_fixture.Idp, _fixture.Redis, _fixture.ApiAddress);
        if (forger is not null)
        {
            // /forged/* reaches an API that answers as the gateway does when a session ends, mark and all.
            config["ReverseProxy:Routes:forged:ClusterId"] = "forged";
            config["ReverseProxy:Routes:forged:Match:Path"] = "/forged/{**catch-all}";
            config["ReverseProxy:Clusters:forged:Destinations:d1:Address"] = forger.Url + "/";
        }

        config["Bff:Session:IdleTimeout"] = "00:00:30";
        // /anon/* reaches the demo API without a token: its JwtBearer answers 401 with an empty body, as an API
        // that dislikes a token does.
        config["ReverseProxy:Routes:anon:ClusterId"] = "api";
        config["ReverseProxy:Routes:anon:Match:Path"] = "/anon/{**catch-all}";
        config["ReverseProxy:Routes:anon:Transforms:0:PathRemovePrefix"] = "/anon";
        config["ReverseProxy:Routes:anon:Metadata:Bff.AccessToken"] = "None";
        return GatewayProcess.StartAsync(config);
    }

    [Fact]
    public async Task UpstreamOwn401WithAnEmptyBody_ApiError_TheSpaStaysSignedIn()
    {
        await using var gateway = await StartGatewayAsync();
        await using var context = await _fixture.NewContextAsync();
        var spa = new DemoSpa(await context.NewPageAsync(), _fixture, gateway);
        // No expiry warning here: on this gateway's short idle timeout its dialog would cover the page.
        await spa.OpenAsync("/?warnBefore=0");
        await spa.LogInAsync("alice");

        var outcome = await spa.Page.EvaluateAsync<JsonElement>(@"async () => {
            const { bff } = await import('/bff-client.js');
            const events = [];
            for (const type of ['api-error', 'session-expired', 'logout']) {
              bff.addEventListener(type, (e) => events.push({ type, status: e.detail.status ?? null, body: e.detail.body ?? null }));
            }
            const response = await bff.fetch('/anon/api/notes');
            return { status: response.status, events, user: (await bff.user())?.sub ?? null };
          }");

        Assert.Equal(401, outcome.GetProperty("status").GetInt32());
        var only = Assert.Single(outcome.GetProperty("events").EnumerateArray());
        Assert.Equal("api-error", only.GetProperty("type").GetString());
        Assert.Equal(401, only.GetProperty("status").GetInt32());
        Assert.Equal(string.Empty, only.GetProperty("body").GetString());
        Assert.Equal("alice", outcome.GetProperty("user").GetString());
        await Expect(spa.Page.Locator("#error")).ToHaveTextAsync("The API answered 401.");
        await spa.Page.Locator("#refresh-notes").ClickAsync();
        await Expect(spa.Notes).ToHaveTextAsync(DemoUsers.AliceNotes);
        Assert.Equal("signed-in", await spa.App.GetAttributeAsync("data-state"));
    }

    [Fact]
    public async Task UpstreamOwn401WithTheGatewaysProblemAndMark_ApiError_TheSpaStaysSignedIn()
    {
        using var forger = WireMockServer.Start();
        forger.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(401)
            .WithHeader("Content-Type", "application/problem+json")
            .WithHeader("Bff-Session", "ended")
            .WithBody("{\"type\":\"about:blank\",\"title\":\"Authentication is required.\",\"status\":401,\"code\":\"unauthenticated\"}"));
        await using var gateway = await StartGatewayAsync(forger);
        await using var context = await _fixture.NewContextAsync();
        var spa = new DemoSpa(await context.NewPageAsync(), _fixture, gateway);
        await spa.OpenAsync("/?warnBefore=0");
        await spa.LogInAsync("alice");

        var outcome = await spa.Page.EvaluateAsync<JsonElement>(@"async () => {
            const { bff } = await import('/bff-client.js');
            const events = [];
            for (const type of ['api-error', 'session-expired', 'logout']) {
              bff.addEventListener(type, (e) => events.push({ type, status: e.detail.status ?? null, code: e.detail.code ?? null }));
            }
            const response = await bff.fetch('/forged/api/notes');
            return { status: response.status, events, user: (await bff.user())?.sub ?? null };
          }");

        Assert.Equal(401, outcome.GetProperty("status").GetInt32());
        var only = Assert.Single(outcome.GetProperty("events").EnumerateArray());
        Assert.Equal("api-error", only.GetProperty("type").GetString());
        Assert.Equal("unauthenticated", only.GetProperty("code").GetString());
        Assert.Equal("alice", outcome.GetProperty("user").GetString());
        await spa.Page.Locator("#refresh-notes").ClickAsync();
        await Expect(spa.Notes).ToHaveTextAsync(DemoUsers.AliceNotes);
        Assert.Equal("signed-in", await spa.App.GetAttributeAsync("data-state"));
    }

    [Fact]
    public async Task ExpiryWarning_BeforeTheIdleDeadline_StaySignedInSlidesIt()
    {
        await using var gateway = await StartGatewayAsync();
        await using var context = await _fixture.NewContextAsync();
        var spa = new DemoSpa(await context.NewPageAsync(), _fixture, gateway);
        // The warning 20 s before the deadline, looked for every second (the client's own settings, through the demo).
        await spa.OpenAsync("/?warnBefore=20&poll=1");
        await spa.LogInAsync("alice");

        var warning = spa.Page.Locator("#session-expiring");
        await Expect(warning).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 40_000 });
        await Expect(spa.Page.Locator("#session-expiring-text")).ToHaveTextAsync("You will be signed out in less than a minute. Stay signed in?");
        await spa.ScreenshotAsync("07-session-expiring");
        // Still alive: the warning came before the deadline, and watching did not slide it.
        var before = await IdleDeadlineAsync(spa.Page);
        Assert.Equal(before, await IdleDeadlineAsync(spa.Page));

        await spa.Page.Locator("#stay-signed-in").ClickAsync();

        await Expect(warning).ToBeHiddenAsync();
        Assert.True(await IdleDeadlineAsync(spa.Page) > before, "stay signed in must slide the idle deadline");
        Assert.Equal("signed-in", await spa.App.GetAttributeAsync("data-state"));
    }

    [Fact]
    public async Task WithoutBroadcastChannel_TabsKeepInStepThroughStorage()
    {
        await using var context = await _fixture.NewContextAsync();
        await context.AddInitScriptAsync("delete window.BroadcastChannel;");
        var first = new DemoSpa(await context.NewPageAsync(), _fixture);
        await first.OpenAsync();
        await first.LogInAsync("bob");
        var second = new DemoSpa(await context.NewPageAsync(), _fixture);
        await second.OpenAsync();
        await second.WaitForStateAsync("signed-in");
        Assert.False(await second.Page.EvaluateAsync<bool>("() => 'BroadcastChannel' in window"));
        await second.Page.EvaluateAsync("() => { window.sameDocument = true; }");

        await first.LogOutAsync();

        await second.WaitForStateAsync("anonymous");
        await Expect(second.Notes).ToHaveCountAsync(0);
        Assert.True(await second.Page.EvaluateAsync<bool>("() => window.sameDocument === true"), "the other tab must update in place");
    }

    // The session's idle deadline as the gateway has it, asked without sliding it.
    private static async Task<DateTimeOffset> IdleDeadlineAsync(IPage page) =>
        DateTimeOffset.Parse(await page.EvaluateAsync<string>(@"async () => {
            const response = await fetch('/bff/user?slide=false', { headers: { 'X-CSRF': '1' }, cache: 'no-store' });
            if (!response.ok) throw new Error('no session: ' + response.status);
            return (await response.json()).session.idleExpiresAt;
          }"), System.Globalization.CultureInfo.InvariantCulture);
}
