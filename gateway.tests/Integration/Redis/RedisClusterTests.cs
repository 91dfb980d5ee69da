using Bff.Configuration;
using Bff.Sessions;
using Bff.Tests.Integration.Infrastructure;
using Bff.Tests.Support;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using Xunit.Abstractions;

namespace Bff.Tests.Integration.Redis;

/// <summary>
/// The gateway on a real three-master Redis Cluster: every multi-key operation must keep its keys in
/// one hash slot, which the <c>{id}</c> hash tag in <c>bff:s:{id}</c> provides.
/// </summary>
[Trait("Category", "Integration")]
public sealed class RedisClusterTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly KeyValuePair<string, string>[] Xhr = [new("X-CSRF", "1")];

    private RedisClusterServer _cluster = null!;
    private WireMockServer _upstream = null!;

    public async Task InitializeAsync()
    {
        _cluster = await RedisClusterServer.StartAsync();
        _upstream = WireMockServer.Start();
        _upstream.Given(Request.Create().UsingAnyMethod())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("{\"ok\":true}"));
    }

    public async Task DisposeAsync()
    {
        _upstream.Stop();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task LoginRefreshProxyAndUser_TwoInstancesOnACluster_Work_AndASessionsKeysShareOneSlot()
    {
        var idp = await SharedServers.GetIdpAsync();
        var config = GatewayConfig.Create(idp, redis: null, new Uri(_upstream.Url + "/"));
        config.Remove("Bff:Session:AllowInMemoryStore");
        config["ConnectionStrings:Redis"] = _cluster.ConnectionString;
        // Longer than the dev IdP's 300 s access tokens: each proxied call refreshes, taking the lock.
        config["Bff:Tokens:RefreshBeforeExpiry"] = "00:10:00";
        await using var first = await GatewayProcess.StartAsync(config);
        await using var second = await GatewayProcess.StartAsync(config);
        using var browser = first.CreateBrowser();

        // Ready once the IdP's discovery document is loaded too, which the warm-up does soon after start.
        await Eventually.TrueAsync(async () =>
        {
            using var ready = await browser.GetAsync("/readyz");
            return ready.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(20), "/readyz to answer 200", TimeSpan.FromMilliseconds(100));

        using var login = await browser.LoginAsync("alice", "alice", "/");
        login.EnsureSuccess();
        var sessionId = await SessionIdAsync(browser);
        using var redis = await ConnectionMultiplexer.ConnectAsync(_cluster.ConnectionString);
        var sessionKey = $"bff:s:{{{sessionId}}}";
        output.WriteLine("After login:");
        await ReportMemoryAsync(redis, AllKeys(redis), sessionKey);

        using var onSecond = browser.WithBaseAddress(second.BaseAddress);
        foreach (var instance in new[] { browser, onSecond, browser })
        {
            using var proxied = await instance.GetAsync("/api/data", Xhr);
            Assert.Equal(HttpStatusCode.OK, proxied.StatusCode);
            Assert.Equal(sessionId, await SessionIdAsync(instance));
        }

        Assert.All(_upstream.LogEntries, e => Assert.StartsWith("Bearer ", e.RequestMessage.Headers!["Authorization"].Single(), StringComparison.Ordinal));

        var keys = AllKeys(redis);
        Assert.Contains(sessionKey, keys);
        var slot = await _cluster.KeySlotAsync(sessionKey);
        var ofSession = keys.Where(k => k.Contains($"{{{sessionId}}}", StringComparison.Ordinal)).ToList();
        foreach (var key in ofSession)
        {
            Assert.Equal(slot, await _cluster.KeySlotAsync(key));
        }

        output.WriteLine($"Keys of the session, all in slot {slot}: {string.Join(", ", ofSession)}");
        output.WriteLine("After three refreshes:");
        await ReportMemoryAsync(redis, keys, sessionKey);
    }

    [Fact]
    public async Task ActiveSessions_OnACluster_CountedApartFromTheSessionsSlots()
    {
        using var redis = await ConnectionMultiplexer.ConnectAsync(_cluster.ConnectionString);
        using var protection = TestDataProtection.InMemory();
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        var options = Microsoft.Extensions.Options.Options.Create(new BffOptions());
        var idle = options.Value.Session.IdleTimeout;
        var store = TestRedisSessionStore.Create(redis, protection.SessionProtector(), new SessionCache(options, time), new SessionStoreHealth(), options, time);
        var sessions = Enumerable.Range(0, 8).Select(i => TestSessions.New("user-" + i, time.GetUtcNow()) with { Frontend = "admin" }).ToArray();
        foreach (var session in sessions)
        {
            await store.CreateAsync(session, default);
        }

        var slots = await Task.WhenAll(sessions.Select(s => _cluster.KeySlotAsync($"bff:s:{{{s.Id}}}")));
        Assert.True(slots.Distinct().Count() > 1, "the sessions landed in one slot");
        Assert.Equal(8, await store.CountActiveAsync("admin", default));

        for (var i = 0; i < 3; i++)
        {
            await store.DeleteAsync(sessions[i].Id, default);
        }

        Assert.Equal(5, await store.CountActiveAsync("admin", default));
        time.Advance(idle - TimeSpan.FromMinutes(1));
        await store.TouchAsync(sessions[3], time.GetUtcNow(), default);
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await store.CountActiveAsync("admin", default));
    }

    private static List<string> AllKeys(ConnectionMultiplexer redis) =>
        [.. redis.GetServers().Where(s => !s.IsReplica).SelectMany(s => s.Keys(pattern: "bff:*")).Select(k => (string)k!)];

    /// <summary><c>MEMORY USAGE</c> of what one login put in Redis: the numbers docs/operations.md quotes.</summary>
    private async Task ReportMemoryAsync(ConnectionMultiplexer redis, List<string> keys, string sessionKey)
    {
        var db = redis.GetDatabase();
        foreach (var key in keys.Where(k => !k.StartsWith("bff:dp:", StringComparison.Ordinal)))
        {
            var bytes = (long)await db.ExecuteAsync("MEMORY", ["USAGE", new RedisKey(key), "SAMPLES", "0"], CommandFlags.None);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"MEMORY USAGE {key} = {bytes} bytes"));
            if (key == sessionKey)
            {
                foreach (var field in new[] { "m", "t" })
                {
                    var length = await db.HashStringLengthAsync(key, field);
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  HSTRLEN {field} = {length} bytes"));
                }

                // A regression guard, not a target: far above what a session with a few claims takes.
                Assert.InRange(bytes, 256, 16 * 1024);
            }
        }
    }

    private static async Task<string> SessionIdAsync(TestBrowser browser)
    {
        using var response = await browser.GetAsync("/bff/user", Xhr);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("session").GetProperty("id").GetString()!;
    }
}
