using Bff.Tests.Integration.Infrastructure;
using System.Globalization;
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

    /// <summary>
    /// Round robin over the instances that answered 200 on <c>/readyz</c> at the last poll (every 50 ms), as a load
    /// balancer with a readiness check does; what each answered, and every 5xx or failed connection.
    /// </summary>
    private sealed class ReadinessBalancer : IDisposable
    {
        private readonly Uri[] _instances;
        private readonly bool[] _ready;
        private readonly int[] _served;
        private readonly HttpClient _probe = new() { Timeout = TimeSpan.FromSeconds(2) };
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _poller;
        private readonly Dictionary<HttpStatusCode, int> _statuses = [];
        private readonly List<string> _failures = [];

        public ReadinessBalancer(Uri[] instances)
        {
            _instances = instances;
            _ready = new bool[instances.Length];
            _served = new int[instances.Length];
            _poller = PollAsync(_stop.Token);
        }

        public IReadOnlyList<string> Failures
        {
            get
            {
                lock (_failures)
                {
                    return [.. _failures];
                }
            }
        }

        public int Served(Uri instance) => Volatile.Read(ref _served[Array.IndexOf(_instances, instance)]);

        public Task WaitUntilAllReadyAsync() =>
            Eventually.TrueAsync(() => Task.FromResult(_ready.All(r => Volatile.Read(ref r))), TimeSpan.FromSeconds(60), "every instance to be ready");

        public async Task RunLoadAsync(TestBrowser browser, CancellationToken cancellationToken)
        {
            var next = 0;
            while (!cancellationToken.IsCancellationRequested)
            {
                var ready = Enumerable.Range(0, _instances.Length).Where(i => Volatile.Read(ref _ready[i])).ToArray();
                if (ready.Length == 0)
                {
                    await Task.Delay(10, CancellationToken.None);
                    continue;
                }

                var i = ready[next++ % ready.Length];
                using var client = browser.WithBaseAddress(_instances[i]);
                try
                {
                    using var response = await client.GetAsync("/api/data", Xhr, CancellationToken.None);
                    lock (_failures)
                    {
                        _statuses[response.StatusCode] = _statuses.GetValueOrDefault(response.StatusCode) + 1;
                        if ((int)response.StatusCode >= 500)
                        {
                            _failures.Add($"{_instances[i]}: {(int)response.StatusCode}");
                        }
                    }

                    Interlocked.Increment(ref _served[i]);
                }
                catch (HttpRequestException ex)
                {
                    lock (_failures)
                    {
                        _failures.Add($"{_instances[i]}: {ex.Message}");
                    }
                }
            }
        }

        public string Describe()
        {
            lock (_failures)
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"served: {string.Join(", ", _instances.Select((u, i) => $"{u.Port}={_served[i]}"))}; statuses: {string.Join(", ", _statuses.Select(s => $"{(int)s.Key}={s.Value}"))}");
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            try
            {
                _poller.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
            }

            _stop.Dispose();
            _probe.Dispose();
        }

        private async Task PollAsync(CancellationToken cancellationToken)
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                for (var i = 0; i < _instances.Length; i++)
                {
                    bool ready;
                    try
                    {
                        using var response = await _probe.GetAsync(new Uri(_instances[i], "/readyz"), cancellationToken);
                        ready = response.StatusCode == HttpStatusCode.OK;
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                    {
                        ready = false;
                    }

                    Volatile.Write(ref _ready[i], ready);
                }

                await Task.Delay(50, cancellationToken);
            }
        }
    }
}
