using Bff.Tests.Integration.Infrastructure;
using System.Net;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Bff.Tests.Integration.Tokens;

/// <summary>
/// The dev IdP rotates refresh tokens and treats a replayed one as theft (it revokes the grant). Bursts
/// after expiry across three instances must never replay one.
/// </summary>
[Trait("Category", "Integration")]
public sealed class RotationWithRealIdpTests : IAsyncLifetime
{
    private readonly WireMockServer _upstream = WireMockServer.Start();
    private DevIdp _idp = null!;
    private readonly List<GatewayProcess> _gateways = [];

    public async Task InitializeAsync()
    {
        _upstream.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200).WithBody("ok"));
        var shared = await SharedServers.GetAsync();
        _idp = await DevIdp.StartAsync(new DevIdpOptions { AccessTokenLifetime = TimeSpan.FromSeconds(4) });
        var config = GatewayConfig.Create(_idp, shared.Redis, new Uri(_upstream.Url + "/"));
        config["Bff:Tokens:RefreshBeforeExpiry"] = "00:00:02";
        _gateways.AddRange(await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => GatewayProcess.StartAsync(config))));
    }

    public async Task DisposeAsync()
    {
        foreach (var gateway in _gateways)
        {
            await gateway.DisposeAsync();
        }

        await _idp.DisposeAsync();
        _upstream.Stop();
    }

    [Fact]
    public async Task BurstsAfterExpiry_NeverReplayARotatedRefreshToken()
    {
        using var browser = _gateways[0].CreateBrowser();
        using (var login = await browser.LoginAsync("alice", "alice"))
        {
            login.EnsureSuccess();
        }

        var browsers = _gateways.Select(g => browser.WithBaseAddress(g.BaseAddress)).ToArray();
        var tokens = new HashSet<string>(StringComparer.Ordinal);
        for (var round = 0; round < 3; round++)
        {
            // Past the refresh window (and in later rounds past expiry): every request of the burst wants a refresh.
            await Task.Delay(TimeSpan.FromSeconds(round == 0 ? 2.5 : 4.5));
            var before = _upstream.LogEntries.Count();
            var responses = await Task.WhenAll(Enumerable.Range(0, 60).Select(i =>
                browsers[i % 3].GetAsync($"/api/round{round}/{i}", [new("X-CSRF", "1")])));

            Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
            var forwarded = _upstream.LogEntries.Skip(before)
                .Select(e => e.RequestMessage.Headers!["Authorization"].Single())
                .Distinct()
                .ToList();

            // One refresh per burst: every request of it carries the same, new token.
            var token = Assert.Single(forwarded);
            Assert.True(tokens.Add(token), "each burst should have refreshed to a new token");
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }

        Assert.False(_idp.Output.Contains("invalid_grant"), "the IdP saw a refresh token replayed:\n" + _idp.Output.Tail(20));
    }
}
