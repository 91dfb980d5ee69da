using Bff.Tests.Integration.Infrastructure;
using System.Net;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using Xunit.Abstractions;
using static Bff.Tests.Integration.Lifecycle.LifecycleGateways;

namespace Bff.Tests.Integration.Hosting;

/// <summary>
/// SIGTERM on a real gateway process: it turns unready first and serves on for <c>Bff:ShutdownDelay</c>, then stops
/// listening and finishes what is in flight. A rolling restart of one of two instances under load, through a client
/// that spreads requests as a load balancer does (round robin over the instances whose <c>/readyz</c> answered 200
/// at its last poll), sees no 5xx and no refused connection.
/// </summary>
[Trait("Category", "Integration")]
public sealed class GracefulShutdownTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan UpstreamDelay = TimeSpan.FromSeconds(4);

    private WireMockServer _upstream = null!;

    public Task InitializeAsync()
    {
        _upstream = WireMockServer.Start();
        _upstream.Given(Request.Create().WithPath("/api/slow").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("slow").WithDelay(UpstreamDelay));
        _upstream.Given(Request.Create().WithPath("/api/data").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("{}"));
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        _upstream.Stop();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task RollingRestartUnderLoad_SlowRequestInFlightCompletes_No5xx()
    {
        var shared = await SharedServers.GetAsync();
        var config = GatewayConfig.Create(shared.Idp, shared.Redis, new Uri(_upstream.Url + "/"));
        config["Bff:ShutdownDelay"] = "00:00:02";
        var a = await GatewayProcess.StartAsync(config);
        await using var b = await GatewayProcess.StartAsync(config);
        GatewayProcess? restarted = null;
        try
        {
            using var browser = await LoggedInAsync(a, "alice");
            using var balancer = new ReadinessBalancer([a.BaseAddress, b.BaseAddress]);
            await balancer.WaitUntilAllReadyAsync();
            using var load = new CancellationTokenSource();
            var loadLoop = balancer.RunLoadAsync(browser, load.Token);

            using var onA = browser.WithBaseAddress(a.BaseAddress);
            var slow = onA.GetAsync("/api/slow", Xhr);
            await Eventually.TrueAsync(() => Task.FromResult(_upstream.LogEntries.Any(e => e.RequestMessage.Path == "/api/slow")),
                TimeSpan.FromSeconds(10), "the slow request to reach the upstream");
            var stopping = a.StopAsync(TimeSpan.FromSeconds(30));

            using (var slowResponse = await slow)
            {
                Assert.Equal(HttpStatusCode.OK, slowResponse.StatusCode);
                Assert.Equal("slow", await slowResponse.Content.ReadAsStringAsync());
            }

            await stopping;
            Assert.Equal(0, a.ExitCode);
            Assert.Contains(a.Output.Lines, l => l.Contains("\"EventId\":1951", StringComparison.Ordinal));

            // The same address again, as an orchestrator's replacement would take it; the balancer sends to it once ready.
            restarted = await GatewayProcess.StartAsync(new GatewayStartOptions { Config = config, Port = a.Port });
            await balancer.WaitUntilAllReadyAsync();
            var servedBefore = balancer.Served(a.BaseAddress);
            await Eventually.TrueAsync(() => Task.FromResult(balancer.Served(a.BaseAddress) >= servedBefore + 20),
                TimeSpan.FromSeconds(60), "the restarted instance to serve its share");
            await load.CancelAsync();
            await loadLoop;

            output.WriteLine(balancer.Describe());
            Assert.Empty(balancer.Failures);
            Assert.True(balancer.Served(b.BaseAddress) > 0);
        }
        finally
        {
            await a.DisposeAsync();
            if (restarted is not null)
            {
                await restarted.DisposeAsync();
            }
        }
    }
}
