using Bff.Tests.Integration.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Bff.Tests.Integration.Tokens;

/// <summary>
/// What the refresh tests run against: gateway processes sharing one Redis of their own (nothing in-process can stand
/// in for the Redis lock), in front of the fake IdP, whose token endpoint's delay and answers are the test's to set,
/// and a WireMock upstream that records the token each call forwarded.
/// </summary>
internal sealed class RefreshGateways : IAsyncDisposable
{
    private readonly RedisServer _redis;
    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
    private readonly List<GatewayProcess> _gateways = [];

    private RefreshGateways(RedisServer redis, SessionSeeder seeder)
    {
        _redis = redis;
        Seeder = seeder;
        Upstream.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200).WithBody("ok"));
    }

    public FakeOidcProvider Idp { get; } = new();

    public WireMockServer Upstream { get; } = WireMockServer.Start();

    public SessionSeeder Seeder { get; }

    public IReadOnlyList<GatewayProcess> Gateways => _gateways;

    public static async Task<RefreshGateways> CreateAsync()
    {
        var redis = await RedisServer.StartAsync();
        return new RefreshGateways(redis, await SessionSeeder.ConnectAsync(redis.ConnectionString));
    }

    public async Task StartAsync(int count, string lockLifetime = "00:00:05", IDictionary<string, string?>? environment = null)
    {
        var config = new Dictionary<string, string?>
        {
            ["Bff:Authority"] = Idp.Issuer,
            ["Bff:ClientId"] = "bff",
            ["Bff:ClientSecret"] = "bff-secret",
            ["Bff:RequireHttpsMetadata"] = "false",
            ["Bff:Tokens:IdpTimeout"] = "00:00:15",
            ["Bff:Tokens:RefreshLockLifetime"] = lockLifetime,
            ["ConnectionStrings:Redis"] = _redis.ConnectionString,
            ["ReverseProxy:Routes:api:ClusterId"] = "api",
            ["ReverseProxy:Routes:api:Match:Path"] = "/api/{**catch-all}",
            ["ReverseProxy:Clusters:api:Destinations:d1:Address"] = Upstream.Url + "/",
        };
        var options = new GatewayStartOptions { Config = config, ExtraEnvironment = environment ?? new Dictionary<string, string?>() };
        _gateways.AddRange(await Task.WhenAll(Enumerable.Range(0, count).Select(_ => GatewayProcess.StartAsync(options))));
    }

    /// <summary>A proxied call as the SPA makes it: X-CSRF and the session cookie.</summary>
    public async Task<HttpResponseMessage> CallAsync(GatewayProcess gateway, string cookie, string path = "/api/data")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(gateway.BaseAddress, path));
        request.Headers.Add("X-CSRF", "1");
        request.Headers.Add("Cookie", cookie);
        return await _http.SendAsync(request);
    }

    /// <summary>The Authorization header of every call the upstream received, oldest first ("" for none).</summary>
    public IEnumerable<string> ForwardedAuthorizations() =>
        Upstream.LogEntries.Select(e => e.RequestMessage.Headers!.TryGetValue("Authorization", out var v) ? v.Single() : "");

    public async ValueTask DisposeAsync()
    {
        foreach (var gateway in _gateways)
        {
            await gateway.DisposeAsync();
        }

        await Seeder.DisposeAsync();
        await _redis.DisposeAsync();
        _http.Dispose();
        Upstream.Stop();
        Idp.Dispose();
    }
}
