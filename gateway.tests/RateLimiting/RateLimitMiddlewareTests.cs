using Bff.Hosting;
using Bff.RateLimiting;
using Bff.Telemetry;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Bff.Tests.RateLimiting;

/// <summary>
/// The per-session limit through the stock host (in-memory store, so each bucket is this instance's): 429
/// <c>rate_limited</c> with <c>Retry-After</c> and nothing upstream; only requests that passed the CSRF checks with a
/// session count; logout is never limited; a shared store that fails leaves a per-instance limit, logged once.
/// </summary>
[Collection(InProcessHostCollection.Name)]
public sealed class RateLimitMiddlewareTests : IAsyncLifetime
{
    private static readonly KeyValuePair<string, string>[] CrossSite = [new("X-CSRF", "1"), new("Sec-Fetch-Site", "cross-site")];

    private readonly FakeOidcProvider _idp = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private WireMockServer _upstream = null!;

    // Three at once, then one every two seconds.
    private Dictionary<string, string?> Settings => new()
    {
        ["ReverseProxy:Clusters:api:Destinations:d1:Address"] = _upstream.Url + "/",
        ["Bff:RateLimit:PerSession:PermitsPerSecond"] = "0.5",
        ["Bff:RateLimit:PerSession:Burst"] = "3",
    };

    public Task InitializeAsync()
    {
        _upstream = WireMockServer.Start();
        _upstream.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200).WithBody("{}"));
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        _upstream.Stop();
        _idp.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task OverTheLimit_429RateLimited_WithRetryAfter_UpstreamUntouched_UntilAPermitComes()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp, time: _time, settings: Settings);
        var (_, browser) = await host.SeedSessionAsync("alice");
        using var _1 = browser;

        for (var i = 0; i < 3; i++)
        {
            using var allowed = await browser.GetAsync("/api/data", OidcGatewayHost.Xhr);
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        using var refused = await browser.GetAsync("/api/data", OidcGatewayHost.Xhr);
        var problem = await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.DoesNotContain("alice", problem.ToString(), StringComparison.Ordinal);
        Assert.Equal("2", Assert.Single(refused.Headers.GetValues("Retry-After")));
        Assert.Equal(3, _upstream.LogEntries.Count());

        _time.Advance(TimeSpan.FromSeconds(2));
        using var later = await browser.GetAsync("/api/data", OidcGatewayHost.Xhr);
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
        Assert.Equal(4, _upstream.LogEntries.Count());
    }

    [Fact]
    public async Task RequestsTheCsrfChecksRefuse_DoNotDrainTheBucket()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp, time: _time, settings: Settings);
        var (_, browser) = await host.SeedSessionAsync("alice");
        using var _1 = browser;

        for (var i = 0; i < 5; i++)
        {
            using var forged = await browser.GetAsync("/api/data", CrossSite);
            await ProblemAssert.IsProblemAsync(forged, HttpStatusCode.Forbidden, "csrf");
            using var noHeader = await browser.GetAsync("/bff/user");
            await ProblemAssert.IsProblemAsync(noHeader, HttpStatusCode.Forbidden, "csrf");
        }

        for (var i = 0; i < 3; i++)
        {
            using var allowed = await browser.GetAsync("/api/data", OidcGatewayHost.Xhr);
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }
    }

    [Fact]
    public async Task BffEndpointsCount_LogoutIsNeverLimited_AnonymousCallsAreNotCountedPerSession()
    {
        await using var host = await OidcGatewayHost.StartAsync(_idp, time: _time, settings: Settings);
        var (session, browser) = await host.SeedSessionAsync("alice");
        using var _1 = browser;
        var unsafeHeaders = await OidcGatewayHost.UnsafeHeadersAsync(browser);
        using var anonymous = host.CreateBrowser();

        using var user1 = await browser.GetAsync("/bff/user", OidcGatewayHost.Xhr);
        using var user2 = await browser.GetAsync("/bff/user", OidcGatewayHost.Xhr);
        using var refused = await browser.GetAsync("/bff/user", OidcGatewayHost.Xhr);
        await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.TooManyRequests, "rate_limited");
        for (var i = 0; i < 5; i++)
        {
            using var open = await anonymous.GetAsync("/open/data", OidcGatewayHost.Xhr);
            Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        }

        using var logout = await browser.PostAsync("/bff/logout", null, unsafeHeaders);

        Assert.Equal(HttpStatusCode.OK, user2.StatusCode);
        Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        Assert.False(await host.IsAliveAsync(session.Id));
    }

    [Fact]
    public async Task SharedStoreDown_LimitsPerInstance_LoggedOnce()
    {
        var logs = new CapturingLoggerProvider();
        var settings = GatewayFactory.BaseSettings(_upstream.Url + "/");
        foreach (var (key, value) in Settings)
        {
            settings[key] = value;
        }

        await using var factory = new GatewayFactory(settings, configureServices: services =>
        {
            services.AddSingleton<TimeProvider>(_time);
            services.AddSingleton<IPermitStore>(new FakePermitStore { Broken = true });
            services.AddSingleton<ILoggerProvider>(logs);
        });
        var cookie = (await TestSessions.SeedAsync(factory.Services, "alice")).Cookie;
        using var client = factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/data");
            request.Headers.Add("X-CSRF", "1");
            request.Headers.Add("Cookie", cookie);
            using var response = await client.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 3), .. Enumerable.Repeat(HttpStatusCode.TooManyRequests, 3)], statuses);
        Assert.Equal(3, _upstream.LogEntries.Count());
        var outage = Assert.Single(logs.Records, r => r.EventId.Id == BffEventIds.RateLimitStoreUnavailable);
        Assert.Equal(LogLevel.Warning, outage.Level);
    }

    [Fact]
    public async Task LocalApisCount_TheHostsOwnEndpointsDoNot()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Development });
        builder.WebHost.UseTestServer();
        foreach (var (key, value) in Settings)
        {
            builder.Configuration[key] = value;
        }

        builder.Configuration["Bff:Authority"] = "http://127.0.0.1:9";
        builder.Configuration["Bff:ClientId"] = "bff";
        builder.Configuration["Bff:ClientSecret"] = "secret";
        builder.Configuration["Bff:RequireHttpsMetadata"] = "false";
        builder.AddBff().AddInMemorySessions();
        await using var app = builder.Build();
        app.UseRouting();
        app.UseBff();
        app.MapBffEndpoints();
        app.MapGet("/host/ping", () => "pong");
        app.MapGet("/api/local/ping", () => "pong").AsBffLocalApi();
        await app.StartAsync();
        using var client = app.GetTestClient();
        var cookie = (await TestSessions.SeedAsync(app.Services, "alice")).Cookie;

        async Task<HttpStatusCode> GetAsync(string path)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("X-CSRF", "1");
            request.Headers.Add("Cookie", cookie);
            using var response = await client.SendAsync(request);
            return response.StatusCode;
        }

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await GetAsync("/host/ping"));
        }

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await GetAsync("/api/local/ping"));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, await GetAsync("/api/local/ping"));
        Assert.Equal(HttpStatusCode.OK, await GetAsync("/host/ping"));
    }
}
