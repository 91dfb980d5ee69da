using Bff.Tests.Integration.Infrastructure;
using Bff.Tests.Integration.Tokens;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using Xunit.Abstractions;

namespace Bff.Tests.Benchmarks;

/// <summary>
/// The refresh stampede benchmark (issue 3): N concurrent requests on one expired session, spread over K
/// gateway processes sharing one Redis, with an IdP whose token endpoint answers after a set delay.
/// Not part of the test suite (category Benchmark, excluded by infra/test.sh): run it with
/// <c>infra/bench/stampede</c>. It fails only on functional errors (a failed request, more than one
/// grant), never on timing; the timing is reported.
/// </summary>
[Trait("Category", "Benchmark")]
public sealed class StampedeBenchmark(ITestOutputHelper output)
{
    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : fallback;

    [Fact]
    public async Task Stampede()
    {
        var requests = Setting("STAMPEDE_REQUESTS", 1000);
        var instances = Setting("STAMPEDE_INSTANCES", 4);
        var idpDelayMs = Setting("STAMPEDE_IDP_DELAY_MS", 200);
        var rounds = Setting("STAMPEDE_ROUNDS", 3);

        using var idp = new FakeOidcProvider();
        using var upstream = WireMockServer.Start();
        upstream.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200).WithBody("ok"));
        await using var redis = await RedisServer.StartAsync();
        await using var seeder = await SessionSeeder.ConnectAsync(redis.ConnectionString);
        var config = new Dictionary<string, string?>
        {
            ["Bff:Authority"] = idp.Issuer,
            ["Bff:ClientId"] = "bff",
            ["Bff:ClientSecret"] = "bff-secret",
            ["Bff:RequireHttpsMetadata"] = "false",
            ["ConnectionStrings:Redis"] = redis.ConnectionString,
            ["Logging:LogLevel:Default"] = "Warning",
            ["ReverseProxy:Routes:api:ClusterId"] = "api",
            ["ReverseProxy:Routes:api:Match:Path"] = "/api/{**catch-all}",
            ["ReverseProxy:Clusters:api:Destinations:d1:Address"] = upstream.Url + "/",
        };
        var gateways = await Task.WhenAll(Enumerable.Range(0, instances).Select(_ => GatewayProcess.StartAsync(config, "Production")));
        using var http = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false, MaxConnectionsPerServer = 1024 });
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"| round | requests | instances | IdP delay | token calls | failures | p50 ms | p99 ms | max ms | refresh cost (p99 - baseline p99 - IdP delay) |");
        report.AppendLine("|---|---|---|---|---|---|---|---|---|---|");

        try
        {
            // Warm each instance (JIT, connections, key ring) on a session that needs no refresh.
            var (_, warm) = await seeder.CreateAsync("warm", "at-warm", "rt-warm", DateTimeOffset.UtcNow.AddHours(1));
            foreach (var gateway in gateways)
            {
                for (var i = 0; i < 20; i++)
                {
                    using var response = await SendAsync(http, gateway, warm);
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                }
            }

            for (var round = 1; round <= rounds; round++)
            {
                // The same burst on a session that needs no refresh: what the load alone costs.
                var (_, fresh) = await seeder.CreateAsync("alice", "at-fresh", "rt-fresh", DateTimeOffset.UtcNow.AddHours(1));
                var baseline = await BurstAsync(http, gateways, fresh, requests);
                report.AppendLine(CultureInfo.InvariantCulture,
                    $"| {round} (no refresh) | {requests} | {instances} | - | - | {baseline.Failures} | {baseline.P50:F1} | {baseline.P99:F1} | {baseline.Max:F1} | - |");

                idp.ClearRequests();
                idp.RespondTokens("at-new-" + round, "rt-new-" + round, delay: TimeSpan.FromMilliseconds(idpDelayMs));
                var (_, cookie) = await seeder.CreateAsync("alice", "at-old", "rt-" + round, DateTimeOffset.UtcNow.AddSeconds(-1));

                var burst = await BurstAsync(http, gateways, cookie, requests);
                var tokenCalls = idp.TokenRequests.Count;
                report.AppendLine(CultureInfo.InvariantCulture,
                    $"| {round} | {requests} | {instances} | {idpDelayMs} ms | {tokenCalls} | {burst.Failures} | {burst.P50:F1} | {burst.P99:F1} | {burst.Max:F1} | {burst.P99 - baseline.P99 - idpDelayMs:F1} |");
                Assert.Equal(0, burst.Failures + baseline.Failures);
                Assert.Equal(1, tokenCalls);
            }
        }
        finally
        {
            output.WriteLine(report.ToString());
            var file = Path.Combine(TestRun.ArtifactsDirectory, "stampede.md");
            await File.WriteAllTextAsync(file, report.ToString());
            output.WriteLine("written to " + file);
            foreach (var gateway in gateways)
            {
                await gateway.DisposeAsync();
            }
        }
    }

    private static async Task<(int Failures, double P50, double P99, double Max)> BurstAsync(HttpClient http, GatewayProcess[] gateways, string cookie, int requests)
    {
        var latencies = new double[requests];
        var statuses = await Task.WhenAll(Enumerable.Range(0, requests).Select(async i =>
        {
            var watch = Stopwatch.StartNew();
            using var response = await SendAsync(http, gateways[i % gateways.Length], cookie);
            latencies[i] = watch.Elapsed.TotalMilliseconds;
            return response.StatusCode;
        }));
        Array.Sort(latencies);
        return (statuses.Count(s => s != HttpStatusCode.OK), Percentile(latencies, 0.50), Percentile(latencies, 0.99), latencies[^1]);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, GatewayProcess gateway, string cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(gateway.BaseAddress, "/api/data"));
        request.Headers.Add("X-CSRF", "1");
        request.Headers.Add("Cookie", cookie);
        return await http.SendAsync(request);
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
