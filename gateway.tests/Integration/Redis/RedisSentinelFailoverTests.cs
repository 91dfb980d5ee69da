using Bff.Tests.Integration.Infrastructure;
using System.Globalization;
using System.Net;
using System.Text.Json;
using StackExchange.Redis;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using Xunit.Abstractions;

namespace Bff.Tests.Integration.Redis;

/// <summary>
/// A Sentinel failover under a gateway: the primary is killed while sessions call, and the Sentinel promotes the
/// replica. What a session sees is counted in requests; what must hold is that only 503s come between, that every
/// session the replica had is back afterwards, and that with <c>Bff:Session:RevocationReplicas</c> an ended session
/// stays ended (and with the default 0, may not).
/// </summary>
[Trait("Category", "Integration")]
public sealed class RedisSentinelFailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly KeyValuePair<string, string>[] Xhr = [new("X-CSRF", "1")];

    private RedisSentinelServer _sentinel = null!;
    private WireMockServer _upstream = null!;

    public async Task InitializeAsync()
    {
        _sentinel = await RedisSentinelServer.StartWithReplicaAsync();
        _upstream = WireMockServer.Start();
        _upstream.Given(Request.Create().UsingAnyMethod())
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("{}"));
    }

    public async Task DisposeAsync()
    {
        _upstream.Stop();
        await _sentinel.DisposeAsync();
    }

    [Fact]
    public async Task PrimaryKilledWhileSessionsCall_Only503sMeanwhile_EveryReplicatedSessionBack_TheEndedOneStaysEnded()
    {
        await using var gateway = await StartGatewayAsync(revocationReplicas: 1);
        var live = new List<TestBrowser>();
        for (var i = 0; i < 3; i++)
        {
            live.Add(await LoggedInAsync(gateway));
        }

        using var leaving = await LoggedInAsync(gateway);
        var leavingId = await SessionIdAsync(leaving);
        using var replica = await ConnectionMultiplexer.ConnectAsync(_sentinel.Replica!.ConnectionString);
        // Written before the failover and acknowledged by the replica: these must survive it.
        foreach (var browser in live)
        {
            var id = await SessionIdAsync(browser);
            await Eventually.TrueAsync(() => replica.GetDatabase().KeyExistsAsync(SessionKey(id)), TimeSpan.FromSeconds(10), "the session to reach the replica");
        }

        using var stolenCookie = leaving.Fork();
        using var logout = await leaving.GetAsync("/bff/logout?sid=" + Uri.EscapeDataString(leavingId));
        Assert.Equal(HttpStatusCode.Found, logout.StatusCode);
        // No waiting: the logout returned only once the replica had the deletion.
        Assert.False(await replica.GetDatabase().KeyExistsAsync(SessionKey(leavingId)));

        await _sentinel.Primary.KillAsync();
        var liveStatuses = new Dictionary<HttpStatusCode, int>();
        var endedStatuses = new Dictionary<HttpStatusCode, int>();
        // Rounds of one call per session until the replica is promoted and then 20 more in which every live session
        // answered 200, so the count covers the whole failover and its aftermath.
        var roundsBeforePromotion = 0;
        var okRoundsAfter = 0;
        await Eventually.TrueAsync(async () =>
        {
            var promoted = await _sentinel.ReplicaPromotedAsync();
            roundsBeforePromotion += promoted ? 0 : 1;
            var allOk = true;
            foreach (var browser in live)
            {
                var status = await ProxiedStatusAsync(browser);
                Count(liveStatuses, status);
                allOk &= status == HttpStatusCode.OK;
            }

            Count(endedStatuses, await ProxiedStatusAsync(stolenCookie));
            okRoundsAfter += promoted && allOk ? 1 : 0;
            return okRoundsAfter >= 20;
        }, TimeSpan.FromSeconds(120), "the replica to be promoted and every session to answer 200 again", TimeSpan.FromMilliseconds(50));

        output.WriteLine($"rounds before the promotion: {roundsBeforePromotion}; live sessions: {Describe(liveStatuses)}; the ended session: {Describe(endedStatuses)}");
        Assert.All(liveStatuses.Keys, s => Assert.Contains(s, new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable }));
        Assert.All(endedStatuses.Keys, s => Assert.Contains(s, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.ServiceUnavailable }));
        foreach (var browser in live)
        {
            Assert.Equal(HttpStatusCode.OK, await ProxiedStatusAsync(browser));
            browser.Dispose();
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await ProxiedStatusAsync(stolenCookie));
    }

    [Fact]
    public async Task RevocationReplicas1_ReplicaNotAcknowledging_LogoutAnswers503NotSuccess()
    {
        await using var gateway = await StartGatewayAsync(revocationReplicas: 1);
        using var browser = await LoggedInAsync(gateway);
        var id = await SessionIdAsync(browser);
        using var stolenCookie = browser.Fork();

        _sentinel.Replica!.Pause();
        try
        {
            using var logout = await browser.GetAsync("/bff/logout?sid=" + Uri.EscapeDataString(id));

            Assert.Equal(HttpStatusCode.ServiceUnavailable, logout.StatusCode);
            using var problem = JsonDocument.Parse(await logout.Content.ReadAsStringAsync());
            Assert.Equal("session_store_unavailable", problem.RootElement.GetProperty("code").GetString());
            Assert.True(logout.Headers.Contains("Retry-After"));
        }
        finally
        {
            _sentinel.Replica.Resume();
        }

        // Ended on the primary all the same: the 503 says only that a failover could still undo it.
        Assert.Equal(HttpStatusCode.Unauthorized, await ProxiedStatusAsync(stolenCookie));
        Assert.Contains(gateway.Output.Lines, l => l.Contains("\"EventId\":1751", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RevocationReplicas0_FailoverBeforeTheReplicaHasTheLogout_TheSessionComesBack()
    {
        await using var gateway = await StartGatewayAsync(revocationReplicas: 0);
        using var browser = await LoggedInAsync(gateway);
        var id = await SessionIdAsync(browser);
        using var replica = await ConnectionMultiplexer.ConnectAsync(_sentinel.Replica!.ConnectionString);
        await Eventually.TrueAsync(() => replica.GetDatabase().KeyExistsAsync(SessionKey(id)), TimeSpan.FromSeconds(10), "the session to reach the replica");
        using var stolenCookie = browser.Fork();

        // The replica falls behind (paused, its link to the primary cut, so not even the kernel's socket buffer
        // holds the logout for it), the logout succeeds on the primary alone, and the primary dies.
        _sentinel.Replica.Pause();
        using (var primary = await ConnectionMultiplexer.ConnectAsync(_sentinel.Primary.ConnectionString + ",allowAdmin=true"))
        {
            await primary.GetDatabase().ExecuteAsync("CLIENT", "KILL", "TYPE", "replica");
        }

        using (var logout = await browser.GetAsync("/bff/logout?sid=" + Uri.EscapeDataString(id)))
        {
            Assert.Equal(HttpStatusCode.Found, logout.StatusCode);
        }

        await _sentinel.Primary.KillAsync();
        _sentinel.Replica.Resume();

        // What the docs say of the default: the promoted replica never had the logout.
        await Eventually.TrueAsync(async () => await _sentinel.ReplicaPromotedAsync() && await ProxiedStatusAsync(stolenCookie) == HttpStatusCode.OK,
            TimeSpan.FromSeconds(90), "the promoted replica to serve the logged-out session", TimeSpan.FromMilliseconds(100));
    }

    private async Task<GatewayProcess> StartGatewayAsync(int revocationReplicas)
    {
        var idp = await SharedServers.GetIdpAsync();
        var config = GatewayConfig.Create(idp, _sentinel.Primary, new Uri(_upstream.Url + "/"));
        config["ConnectionStrings:Redis"] = _sentinel.ConnectionString;
        config["Bff:Session:RevocationReplicas"] = revocationReplicas.ToString(CultureInfo.InvariantCulture);
        // Every request reads Redis: after the failover, what a session gets is what the new primary holds.
        config["Bff:Session:CacheDuration"] = "00:00:00";
        config["Bff:SessionStoreTimeout"] = "00:00:01";
        var gateway = await GatewayProcess.StartAsync(config);
        using var probe = gateway.CreateBrowser();
        await Eventually.TrueAsync(async () =>
        {
            using var ready = await probe.GetAsync("/readyz");
            return ready.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(20), "/readyz to answer 200", TimeSpan.FromMilliseconds(100));
        return gateway;
    }

    private static async Task<TestBrowser> LoggedInAsync(GatewayProcess gateway)
    {
        var browser = gateway.CreateBrowser();
        using var login = await browser.LoginAsync("alice", "alice", "/");
        login.EnsureSuccess();
        return browser;
    }

    private static async Task<string> SessionIdAsync(TestBrowser browser)
    {
        using var user = await browser.GetAsync("/bff/user", Xhr);
        using var body = JsonDocument.Parse(await user.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("session").GetProperty("id").GetString()!;
    }

    private static async Task<HttpStatusCode> ProxiedStatusAsync(TestBrowser browser)
    {
        using var response = await browser.GetAsync("/api/data", Xhr);
        return response.StatusCode;
    }

    private static RedisKey SessionKey(string id) => $"bff:s:{{{id}}}";

    private static void Count(Dictionary<HttpStatusCode, int> counts, HttpStatusCode status) =>
        counts[status] = counts.GetValueOrDefault(status) + 1;

    private static string Describe(Dictionary<HttpStatusCode, int> counts) =>
        string.Join(", ", counts.OrderBy(c => c.Key).Select(c => string.Create(CultureInfo.InvariantCulture, $"{(int)c.Key}: {c.Value}")));
}
