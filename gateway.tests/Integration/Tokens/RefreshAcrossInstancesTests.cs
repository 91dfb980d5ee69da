using Bff.Tests.Integration.Infrastructure;
using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Text.Json;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Bff.Tests.Integration.Tokens;

/// <summary>
/// Token refresh against separate gateway processes sharing one Redis: nothing in-process can stand in
/// for the Redis lock. The IdP's token endpoint is WireMock, so its delay and answers are ours to set.
/// </summary>
[Trait("Category", "Integration")]
public sealed class RefreshAcrossInstancesTests : IAsyncLifetime
{
    private readonly FakeOidcProvider _idp = new();
    private readonly WireMockServer _upstream = WireMockServer.Start();
    private RedisServer _redis = null!;
    private SessionSeeder _seeder = null!;
    private readonly List<GatewayProcess> _gateways = [];
    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });

    public async Task InitializeAsync()
    {
        _upstream.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200).WithBody("ok"));
        _redis = await RedisServer.StartAsync();
        _seeder = await SessionSeeder.ConnectAsync(_redis.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        foreach (var gateway in _gateways)
        {
            await gateway.DisposeAsync();
        }

        await _seeder.DisposeAsync();
        await _redis.DisposeAsync();
        _http.Dispose();
        _upstream.Stop();
        _idp.Dispose();
    }

    private async Task StartGatewaysAsync(int count, string lockLifetime = "00:00:05", IDictionary<string, string?>? environment = null)
    {
        var config = new Dictionary<string, string?>
        {
            ["Bff:Authority"] = _idp.Issuer,
            ["Bff:ClientId"] = "bff",
            ["Bff:ClientSecret"] = "bff-secret",
            ["Bff:RequireHttpsMetadata"] = "false",
            ["Bff:Tokens:IdpTimeout"] = "00:00:15",
            ["Bff:Tokens:RefreshLockLifetime"] = lockLifetime,
            ["ConnectionStrings:Redis"] = _redis.ConnectionString,
            ["ReverseProxy:Routes:api:ClusterId"] = "api",
            ["ReverseProxy:Routes:api:Match:Path"] = "/api/{**catch-all}",
            ["ReverseProxy:Clusters:api:Destinations:d1:Address"] = _upstream.Url + "/",
        };
        var options = new GatewayStartOptions { Config = config, ExtraEnvironment = environment ?? new Dictionary<string, string?>() };
        _gateways.AddRange(await Task.WhenAll(Enumerable.Range(0, count).Select(_ => GatewayProcess.StartAsync(options))));
    }

    private async Task<HttpResponseMessage> CallAsync(GatewayProcess gateway, string cookie, string path = "/api/data")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(gateway.BaseAddress, path));
        request.Headers.Add("X-CSRF", "1");
        request.Headers.Add("Cookie", cookie);
        return await _http.SendAsync(request);
    }

    private IEnumerable<string> ForwardedAuthorizations() =>
        _upstream.LogEntries.Select(e => e.RequestMessage.Headers!.TryGetValue("Authorization", out var v) ? v.Single() : "");

    [Fact]
    public async Task Stampede_200RequestsOver3Instances_ExactlyOneRefreshGrant()
    {
        await StartGatewaysAsync(3);
        var (_, cookie) = await _seeder.CreateAsync("alice", "at-old", "rt-1", DateTimeOffset.UtcNow.AddSeconds(-5));
        _idp.RespondTokens("at-new", "rt-2", delay: TimeSpan.FromMilliseconds(1000));

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => CallAsync(_gateways[i % 3], cookie, $"/api/data/{i}")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var grant = Assert.Single(_idp.TokenRequests);
        Assert.Contains("grant_type=refresh_token", grant, StringComparison.Ordinal);
        Assert.Contains("refresh_token=rt-1", grant, StringComparison.Ordinal);
        var forwarded = ForwardedAuthorizations().ToList();
        Assert.Equal(200, forwarded.Count);
        Assert.All(forwarded, a => Assert.Equal("Bearer at-new", a));
    }

    [Fact]
    public async Task KeyAddedAfterStart_BurstOfRequestsUnderIt_AllServed()
    {
        // No more pool threads than this machine has cores, and none added under load: a request that held a
        // thread while the ring is read (as Data Protection's own Unprotect does, each request reading it
        // again under one lock) could stall the gateway, where waiting without a thread cannot. The minimum
        // is forced too: the runtime drops a forced maximum below the gateway's configured minimum.
        var cores = Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture);
        await StartGatewaysAsync(1, environment: new Dictionary<string, string?>
        {
            ["DOTNET_ThreadPool_ForceMinWorkerThreads"] = cores,
            ["DOTNET_ThreadPool_ForceMaxWorkerThreads"] = cores,
        });
        var (_, known) = await _seeder.CreateAsync("alice", "at-a", "rt-a", DateTimeOffset.UtcNow.AddMinutes(10));
        using (var warm = await CallAsync(_gateways[0], known))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        // The burst's cookie, and the session it names, are protected with a key the gateway has not loaded.
        _seeder.AddKeyToRing();
        var cookie = known;
        await Eventually.TrueAsync(async () =>
        {
            // The seeder's own ring takes the new key as default after a background refresh.
            (_, cookie) = await _seeder.CreateAsync("bob", "at-b", "rt-b", DateTimeOffset.UtcNow.AddMinutes(10));
            return KeyIdOf(cookie) != KeyIdOf(known);
        }, TimeSpan.FromSeconds(10), "the seeder to protect with the new key", TimeSpan.FromMilliseconds(50));

        // With its pool pinned to the cores, a gateway that held a thread per waiting request would not be slow
        // but stuck for good: the bound catches that hang (well before the test host's), not a speed.
        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => CallAsync(_gateways[0], cookie, $"/api/data/{i}")))
            .WaitAsync(TimeSpan.FromSeconds(60));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(200, ForwardedAuthorizations().Count(a => a == "Bearer at-b"));
    }

    [Fact]
    public async Task HolderKilledMidRefresh_AnotherInstanceRetriesSameToken_InvalidGrantEndsSessionCleanly()
    {
        var (id, cookie) = await KillHolderMidRefreshAsync();

        // Whether the dead holder's grant reached the IdP is unknown: the IdP says the token is spent.
        _idp.ClearRequests();
        _idp.RespondTokenError(400, "invalid_grant");
        using var response = await CallAsync(_gateways[1], cookie);

        // The second instance took the dead holder's expired lock and asked the IdP itself: had it waited the
        // holder out instead, it would have given up with 503 idp_unavailable and logged so.
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("session_expired", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
        Assert.False(_gateways[1].Output.Contains("Gave up waiting for another refresh"), _gateways[1].Output.Tail());
        var retried = Assert.Single(_idp.TokenRequests);
        Assert.Contains("refresh_token=rt-1", retried, StringComparison.Ordinal);
        Assert.Null(await _seeder.ReadAsync(id));
        Assert.Empty(_upstream.LogEntries);
    }

    [Fact]
    public async Task HolderKilledMidRefresh_RetryWithSameTokenSucceeds_SessionContinues()
    {
        var (id, cookie) = await KillHolderMidRefreshAsync();

        _idp.ClearRequests();
        _idp.RespondTokens("at-new", "rt-2");
        using var response = await CallAsync(_gateways[1], cookie);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Bearer at-new", Assert.Single(ForwardedAuthorizations()));
        Assert.Equal("rt-2", (await _seeder.ReadAsync(id))!.Tokens.RefreshToken);
    }

    [Fact]
    public async Task IdpDown_ValidTokenStillUsed_ExpiredGets503RetryAfter_SessionSurvives_ThenRecovers()
    {
        await StartGatewaysAsync(1);
        _idp.RespondTokenError(503);

        // Inside the refresh window but still valid: used as is.
        var (_, valid) = await _seeder.CreateAsync("alice", "at-valid", "rt-v", DateTimeOffset.UtcNow.AddSeconds(30));
        using (var response = await CallAsync(_gateways[0], valid))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal("Bearer at-valid", ForwardedAuthorizations().Last());

        // Expired: never forwarded; 503 with Retry-After; the session stays.
        var (id, expired) = await _seeder.CreateAsync("alice", "at-expired", "rt-e", DateTimeOffset.UtcNow.AddSeconds(-5));
        using (var response = await CallAsync(_gateways[0], expired))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.Equal("idp_unavailable", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
        }

        Assert.DoesNotContain("Bearer at-expired", ForwardedAuthorizations());
        Assert.NotNull(await _seeder.ReadAsync(id));

        // The IdP is back (the circuit breaker may hold it off for a few seconds).
        _idp.ClearRequests();
        _idp.RespondTokens("at-back", "rt-back");
        await Eventually.TrueAsync(async () =>
        {
            using var response = await CallAsync(_gateways[0], expired);
            return response.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(30), "the gateway to refresh through the IdP again", TimeSpan.FromMilliseconds(50));
        Assert.Equal("Bearer at-back", ForwardedAuthorizations().Last());
    }

    [Fact]
    public async Task InvalidGrant_401SessionExpired_SessionGoneOnEveryInstance()
    {
        await StartGatewaysAsync(2);
        var (id, cookie) = await _seeder.CreateAsync("alice", "at-old", "rt-revoked", DateTimeOffset.UtcNow.AddSeconds(-5));
        _idp.RespondTokenError(400, "invalid_grant");

        using var first = await CallAsync(_gateways[0], cookie);
        using var second = await CallAsync(_gateways[1], cookie);

        Assert.Equal(HttpStatusCode.Unauthorized, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);
        Assert.Single(_idp.TokenRequests);
        Assert.Null(await _seeder.ReadAsync(id));
        Assert.Empty(_upstream.LogEntries);
    }

    /// <summary>
    /// Two instances; the first takes the refresh lock and waits on a slow IdP, then dies without an answer,
    /// so whether its grant reached the IdP is unknown.
    /// </summary>
    private async Task<(string Id, string Cookie)> KillHolderMidRefreshAsync()
    {
        await StartGatewaysAsync(2, lockLifetime: "00:00:01");
        var (id, cookie) = await _seeder.CreateAsync("alice", "at-old", "rt-1", DateTimeOffset.UtcNow.AddSeconds(-5));
        _idp.RespondTokens("at-lost", "rt-lost", delay: TimeSpan.FromMilliseconds(30_000));

        var doomed = CallAsync(_gateways[0], cookie);
        await Eventually.TrueAsync(() => _seeder.Database.KeyExists($"bff:s:{{{id}}}:lock"), TimeSpan.FromSeconds(10), "the first instance to take the refresh lock",
            TimeSpan.FromMilliseconds(50));
        await _gateways[0].KillAsync();
        _ = doomed.ContinueWith(t => t.Exception, TaskScheduler.Default);
        return (id, cookie);
    }

    /// <summary>The Data Protection key a cookie is protected with: the 16 bytes after the 4-byte magic header.</summary>
    private static Guid KeyIdOf(string cookie) => new(Base64Url.DecodeFromChars(cookie.AsSpan("__Host-bff=".Length)).AsSpan(4, 16));
}
