using Bff.Tests.Integration.Infrastructure;
using Bff.Tests.Support;
using Microsoft.Playwright;

namespace Bff.Tests.Browser;

/// <summary>
/// What the browser tests share (<see cref="SpaCollection"/>): a Redis of their own (so "log out other devices"
/// cannot end the sessions of tests outside this group), the run's dev IdP, the demo API, one gateway serving the demo SPA, and one
/// headless Chromium (Debian's; Playwright downloads nothing). Each test opens its own
/// <see cref="IBrowserContext"/>s, which share no cookies, storage or cache.
/// </summary>
public sealed class SpaFixture : IAsyncLifetime
{
    /// <summary>Playwright's bound on every wait and navigation; a step of these tests takes well under a second.</summary>
    public const float StepTimeoutMs = 15_000;

    private RedisServer? _redis;
    private DemoApiProcess? _api;
    private GatewayProcess? _gateway;
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private IBrowser? _browserWithBackForwardCache;
    private string? _chromium;

    public GatewayProcess Gateway => _gateway ?? throw new InvalidOperationException("Not started.");

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("Not started.");

    public DevIdp Idp { get; private set; } = null!;

    /// <summary>The Redis of the browser tests, for gateways a test starts of its own (other timeouts, another IdP).</summary>
    public RedisServer Redis => _redis ?? throw new InvalidOperationException("Not started.");

    /// <summary>The demo API, for the <c>api</c> route of such a gateway.</summary>
    public Uri ApiAddress => _api?.BaseAddress ?? throw new InvalidOperationException("Not started.");

    /// <summary>artifacts/screenshots: pictures of the key states, for people to look at (not committed).</summary>
    public static string ScreenshotDirectory => Path.Combine(RepoPaths.Root, "artifacts", "screenshots");

    public async Task InitializeAsync()
    {
        _chromium = ChromiumLocator.Find();
        Directory.CreateDirectory(ScreenshotDirectory);
        Idp = await SharedServers.GetIdpAsync();
        _redis = await RedisServer.StartAsync();
        _api = await DemoApiProcess.StartAsync(Idp);
        _gateway = await GatewayProcess.StartAsync(GatewayConfig.Create(Idp, _redis, _api.BaseAddress));

        // The Playwright driver (node, shipped in the NuGet package) and the Chromium it starts inherit this
        // process's environment: with the run's marker they are swept with the other processes of the run
        // should the test host be killed before it can close them.
        Environment.SetEnvironmentVariable(TestRun.MarkerVariable, TestRun.Id);
        _playwright = await Playwright.CreateAsync();
        _browser = await LaunchAsync(backForwardCache: false);
    }

    /// <summary>
    /// A fresh profile: no cookies, storage or cache. Dispose it at the end of the test.
    /// </summary>
    /// <param name="backForwardCache">
    /// Playwright turns Chromium's back/forward cache off, for steadier navigation events; browsers have it
    /// on, and a page restored from it is exactly how stale data could reappear after a logout. True runs
    /// the context in a second Chromium that keeps it on (started on first use).
    /// </param>
    public async Task<IBrowserContext> NewContextAsync(bool backForwardCache = false)
    {
        var browser = Browser;
        if (backForwardCache)
        {
            browser = _browserWithBackForwardCache ??= await LaunchAsync(backForwardCache: true);
        }

        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Gateway.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1100, Height = 760 },
            Locale = "en-GB",
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout(StepTimeoutMs);
        context.SetDefaultNavigationTimeout(StepTimeoutMs);
        return context;
    }

    private Task<IBrowser> LaunchAsync(bool backForwardCache) =>
        _playwright!.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = _chromium,
            Headless = true,
            Timeout = 60_000,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic",
            ],
            IgnoreDefaultArgs = backForwardCache ? ["--disable-back-forward-cache"] : [],
        });

    public async Task DisposeAsync()
    {
        foreach (var browser in new[] { _browserWithBackForwardCache, _browser })
        {
            if (browser is not null)
            {
                await browser.CloseAsync();
            }
        }

        _playwright?.Dispose();
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        if (_api is not null)
        {
            await _api.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }
}
