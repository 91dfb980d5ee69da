using Bff.Tests.Integration.Infrastructure;
using System.Net;
using System.Text;
using System.Text.Json;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Bff.Tests.Integration.Tokens;

/// <summary>
/// Tokens per API against the dev IdP with resource indicators (oidc-provider: JWT access tokens per resource,
/// rotated refresh tokens, a replayed one revokes the grant), two APIs with their own audiences behind three
/// gateway instances on one Redis.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ResourceTokensWithRealIdpTests : IAsyncLifetime
{
    private const string ApiA = "https://a.bff.example";
    private const string ApiB = "https://b.bff.example";
    private const string MainApi = "https://api.bff.example";
    private const string RefusedApi = "https://refused.bff.example";

    private readonly WireMockServer _upstream = WireMockServer.Start();
    private readonly WireMockServer _apiA = WireMockServer.Start();
    private readonly WireMockServer _apiB = WireMockServer.Start();
    private readonly List<GatewayProcess> _gateways = [];
    private DevIdp _idp = null!;

    public async Task InitializeAsync()
    {
        foreach (var server in new[] { _upstream, _apiA, _apiB })
        {
            server.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200).WithBody("ok"));
        }

        var shared = await SharedServers.GetAsync();
        _idp = await DevIdp.StartAsync(new DevIdpOptions
        {
            // Long enough past the refresh window for the burst and the checks after it to finish on a busy machine.
            AccessTokenLifetime = TimeSpan.FromSeconds(20),
            ApiResource = MainApi,
            ExtraEnvironment = new Dictionary<string, string>
            {
                ["IDP_API_RESOURCES"] = ApiA + "," + ApiB,
                ["IDP_REFUSED_RESOURCES"] = RefusedApi,
            },
        });
        var config = GatewayConfig.Create(_idp, shared.Redis, new Uri(_upstream.Url + "/"));
        config["Bff:Tokens:RefreshBeforeExpiry"] = "00:00:02";
        Route(config, "a", _apiA, ApiA);
        Route(config, "b", _apiB, ApiB);
        Route(config, "refused", _apiA, RefusedApi);
        // One after the other, with time to spare: three starts at once on a busy two-core machine can take over 30 s.
        for (var i = 0; i < 3; i++)
        {
            _gateways.Add(await GatewayProcess.StartAsync(new GatewayStartOptions { Config = config, StartTimeout = TimeSpan.FromSeconds(120) }));
        }
    }

    private static void Route(Dictionary<string, string?> config, string name, WireMockServer upstream, string resource)
    {
        config[$"ReverseProxy:Routes:{name}:ClusterId"] = name;
        config[$"ReverseProxy:Routes:{name}:Match:Path"] = $"/{name}/{{**rest}}";
        config[$"ReverseProxy:Routes:{name}:Metadata:Bff.AccessToken.Resource"] = resource;
        config[$"ReverseProxy:Clusters:{name}:Destinations:d1:Address"] = upstream.Url + "/";
    }

    public async Task DisposeAsync()
    {
        foreach (var gateway in _gateways)
        {
            await gateway.DisposeAsync();
        }

        await _idp.DisposeAsync();
        foreach (var server in new[] { _upstream, _apiA, _apiB })
        {
            server.Stop();
        }
    }

    [Fact]
    public async Task TwoApis_EachGetsItsAudience_StampedeAfterExpiry_OneRefreshPerToken_RefusalLeavesTheSession()
    {
        using var browser = _gateways[0].CreateBrowser();
        using (var login = await browser.LoginAsync("alice", "alice"))
        {
            login.EnsureSuccess();
        }

        var browsers = _gateways.Select(g => browser.WithBaseAddress(g.BaseAddress)).ToArray();

        // Each upstream gets a token for itself; the session's own token is for the main API.
        await GetAllOkAsync(browsers[0], "/a/first", "/b/first", "/api/first");
        Assert.Equal(ApiA, Audience(LastBearer(_apiA)));
        Assert.Equal(ApiB, Audience(LastBearer(_apiB)));
        Assert.Equal(MainApi, Audience(LastBearer(_upstream)));

        // An API the IdP refuses: 403 for that route only; the refresh token was not used up, the session goes on.
        using (var refused = await browsers[1].GetAsync("/refused/x", [new("X-CSRF", "1")]))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Contains("\"code\":\"forbidden\"", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Past expiry: 40 requests to each API and to the main one, spread over the three instances, at once.
        await Task.Delay(TimeSpan.FromSeconds(20.5));
        var grantsBefore = _idp.Output.LineCount;
        var counts = (A: _apiA.LogEntries.Count(), B: _apiB.LogEntries.Count(), Main: _upstream.LogEntries.Count());
        var responses = await Task.WhenAll(Enumerable.Range(0, 120).Select(i =>
            browsers[i % 3].GetAsync($"/{new[] { "a", "b", "api" }[(i / 3) % 3]}/burst/{i}", [new("X-CSRF", "1")])));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        foreach (var response in responses)
        {
            response.Dispose();
        }

        var grants = _idp.Output.LinesSince(grantsBefore).Where(l => l.Contains("grant.success: refresh_token", StringComparison.Ordinal)).ToArray();
        Assert.Single(grants, l => l.EndsWith("for " + ApiA, StringComparison.Ordinal));
        Assert.Single(grants, l => l.EndsWith("for " + ApiB, StringComparison.Ordinal));
        Assert.Single(grants, l => l.EndsWith("grant.success: refresh_token", StringComparison.Ordinal));

        // Every request of the burst carried one new token per upstream, each for its own audience, still valid.
        var tokenA = Assert.Single(NewBearers(_apiA, counts.A));
        var tokenB = Assert.Single(NewBearers(_apiB, counts.B));
        var tokenMain = Assert.Single(NewBearers(_upstream, counts.Main));
        Assert.Equal(ApiA, Audience(tokenA));
        Assert.Equal(ApiB, Audience(tokenB));
        Assert.Equal(MainApi, Audience(tokenMain));

        // Intact: the next requests use the same tokens, with no IdP call; no refresh token was ever replayed.
        var linesBefore = _idp.Output.LineCount;
        await GetAllOkAsync(browsers[2], "/a/after", "/b/after", "/api/after");
        Assert.Equal(tokenA, LastBearer(_apiA));
        Assert.Equal(tokenB, LastBearer(_apiB));
        Assert.Equal(tokenMain, LastBearer(_upstream));
        Assert.DoesNotContain(_idp.Output.LinesSince(linesBefore), l => l.Contains("grant.success", StringComparison.Ordinal));
        Assert.False(_idp.Output.Contains("invalid_grant"), "the IdP saw a refresh token replayed:\n" + _idp.Output.Tail(30));
        Assert.False(_idp.Output.Contains("grant.revoked"), "the grant was revoked:\n" + _idp.Output.Tail(30));
    }

    private static async Task GetAllOkAsync(TestBrowser browser, params string[] paths)
    {
        foreach (var path in paths)
        {
            using var response = await browser.GetAsync(path, [new("X-CSRF", "1")]);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    private static string LastBearer(WireMockServer upstream) => Bearer(upstream.LogEntries.Last());

    private static string[] NewBearers(WireMockServer upstream, int skip) =>
        [.. upstream.LogEntries.Skip(skip).Select(Bearer).Distinct()];

    private static string Bearer(WireMock.Logging.ILogEntry entry) =>
        entry.RequestMessage.Headers!["Authorization"].Single()["Bearer ".Length..];

    private static string Audience(string jwt)
    {
        var payload = jwt.Split('.')[1].Replace('-', '+').Replace('_', '/');
        payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
        using var json = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)));
        var aud = json.RootElement.GetProperty("aud");
        return aud.ValueKind == JsonValueKind.Array ? aud.EnumerateArray().Single().GetString()! : aud.GetString()!;
    }
}
