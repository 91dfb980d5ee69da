using Bff.Telemetry;
using Bff.Tests.Integration.Infrastructure;
using Bff.Tests.Support;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Bff.Tests.Integration.RateLimiting;

/// <summary>
/// The limits on a real Redis: two in-process instances share one session's bucket through leases and admit no more
/// than the stated bound; with Redis gone, the login limit goes on per instance, logged once.
/// </summary>
[Trait("Category", "Integration")]
[Collection(InProcessHostCollection.Name)]
public sealed class RateLimitRedisTests : IDisposable
{
    private readonly FakeOidcProvider _idp = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly WireMockServer _upstream = WireMockServer.Start();

    public RateLimitRedisTests() =>
        _upstream.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200).WithBody("{}"));

    public void Dispose()
    {
        _upstream.Stop();
        _idp.Dispose();
    }

    [Fact]
    public async Task TwoInstances_OneBucket_AdmitAtMostBurstPlusWhatEachInstanceHolds()
    {
        // 100 a second, 40 at once: leases of 10 (a quarter of the burst, a tenth of a second).
        var prefix = "rl" + Guid.NewGuid().ToString("N")[..8];
        var settings = new Dictionary<string, string?>
        {
            ["Bff:Redis:KeyPrefix"] = prefix,
            ["ReverseProxy:Clusters:api:Destinations:d1:Address"] = _upstream.Url + "/",
            ["Bff:RateLimit:PerSession:PermitsPerSecond"] = "100",
            ["Bff:RateLimit:PerSession:Burst"] = "40",
        };
        await using var first = await OidcGatewayHost.StartAsync(_idp, redis: true, time: _time, settings: settings);
        await using var second = await OidcGatewayHost.StartAsync(_idp, redis: true, time: _time, settings: settings);
        var (session, one) = await first.SeedSessionAsync("alice");
        using var _1 = one;
        using var two = second.CreateBrowser();
        foreach (var name in one.Cookies.Names)
        {
            two.Cookies.Set(name, one.Cookies.Get(name)!);
        }

        // Each instance leases 10 and spends 1; then the bucket in Redis fills again to 40.
        Assert.Equal(HttpStatusCode.OK, await GetAsync(one));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(two));
        _time.Advance(TimeSpan.FromSeconds(1));

        var admitted = 0;
        for (var i = 0; i < 50; i++)
        {
            admitted += await GetAsync(one) == HttpStatusCode.OK ? 1 : 0;
            admitted += await GetAsync(two) == HttpStatusCode.OK ? 1 : 0;
        }

        // Burst + 2 instances × (lease − 1): the bound, reached; an exact limiter would have admitted 40.
        Assert.Equal(40 + (2 * 9), admitted);
        Assert.Equal(2 + admitted, _upstream.LogEntries.Count());
        // In the session's hash slot, beside the session.
        using var redis = await ConnectionMultiplexer.ConnectAsync((await SharedServers.GetRedisAsync()).ConnectionString);
        Assert.True(await redis.GetDatabase().KeyExistsAsync($"{prefix}:s:{{{session.Id}}}:rl"));
    }

    [Fact]
    public async Task RedisGone_LoginLimitGoesOnPerInstance_LoggedOnce()
    {
        await using var redis = await RedisServer.StartAsync();
        var logs = new CapturingLoggerProvider();
        var settings = GatewayFactory.BaseSettings();
        settings["Bff:Authority"] = _idp.Issuer;
        settings["ConnectionStrings:Redis"] = redis.ConnectionString;
        settings["Bff:SessionStoreTimeout"] = "00:00:01";
        settings["Bff:RateLimit:PerAddress:LoginsPerMinute"] = "2";
        await using var factory = new GatewayFactory(settings, configureServices: services =>
        {
            services.AddSingleton<TimeProvider>(_time);
            services.AddSingleton<ILoggerProvider>(logs);
        });
        using var client = factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        using (var before = await client.GetAsync("/bff/login"))
        {
            Assert.Equal(HttpStatusCode.Found, before.StatusCode);
        }

        await redis.KillAsync();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await client.GetAsync("/bff/login");
            statuses.Add(response.StatusCode);
        }

        // A new bucket in this instance, as full as a new one in Redis would be.
        Assert.Equal([HttpStatusCode.Found, HttpStatusCode.Found, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        Assert.Single(logs.Records, r => r.EventId.Id == BffEventIds.RateLimitStoreUnavailable);
    }

    private static async Task<HttpStatusCode> GetAsync(TestBrowser browser)
    {
        using var response = await browser.GetAsync("/api/data", OidcGatewayHost.Xhr);
        return response.StatusCode;
    }
}
