using Bff.Host;
using Bff.Tests.Support;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Bff.Tests.Host;

[Collection(IsolatedHostCollection.Name)]
public sealed class HostTelemetryTests : IDisposable
{
    private readonly WireMockServer _upstream;

    public HostTelemetryTests()
    {
        _upstream = WireMockServer.Start();
        _upstream.Given(Request.Create().UsingAnyMethod().WithPath("/open/*"))
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("{}"));
    }

    public void Dispose() => _upstream.Stop();

    private static HttpRequestMessage Get(string path, bool csrf = true)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (csrf)
        {
            request.Headers.Add("X-CSRF", "1");
        }

        return request;
    }

    [Fact]
    public async Task Metrics_AfterTraffic_PrometheusTextWithGatewayServerAndClientMeters()
    {
        await using var factory = new GatewayFactory(GatewayFactory.BaseSettings(_upstream.Url + "/"));
        using var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(Get("/bff/user", csrf: false))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Get("/open/data"))).StatusCode);
        // The IdP is down (port 9): the login's discovery request is an IdP call on the client meter.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/bff/login")).StatusCode);

        var response = await client.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("bff_csrf_rejections_total{otel_scope_name=\"Bff.Gateway\",reason=\"missing_header\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration_seconds_bucket{", text, StringComparison.Ordinal);
        // The proxied route is timed by the server meter, by route; the IdP's calls by the client meter.
        Assert.Contains(Lines(text, "http_server_request_duration_seconds_count{"), line => line.Contains("http_route=\"/open/{**rest}\"", StringComparison.Ordinal));
        var clientDurations = Lines(text, "http_client_request_duration_seconds_count{");
        Assert.Contains(clientDurations, line => line.Contains("server_port=\"9\"", StringComparison.Ordinal));
        // Not the proxied call: it would only repeat the server's figure, at a cost on every call.
        Assert.DoesNotContain(clientDurations, line => line.Contains($"server_port=\"{new Uri(_upstream.Url!).Port}\"", StringComparison.Ordinal));
        Assert.Contains("service_name=\"bff-gateway\"", text, StringComparison.Ordinal);
        // The latency histograms keep ASP.NET Core's and HttpClient's advised buckets (seconds, from 5 ms)
        // under the gateway's view; the SDK's own defaults would start at le="0", then le="5".
        Assert.Contains("le=\"0.005\"", text, StringComparison.Ordinal);
        // Per-call bookkeeping the gateway leaves out (see performance.md).
        Assert.DoesNotContain("http_client_open_connections", text, StringComparison.Ordinal);
        Assert.DoesNotContain("http_client_active_requests", text, StringComparison.Ordinal);
        Assert.DoesNotContain("aspnetcore_routing_match_attempts", text, StringComparison.Ordinal);
    }

    private static List<string> Lines(string text, string prefix) =>
        text.Split('\n').Where(line => line.StartsWith(prefix, StringComparison.Ordinal)).ToList();

    [Fact]
    public async Task Traces_OtlpEndpointSet_ExportsServerProxyAndClientSpans_NotHealthProbes()
    {
        using var collector = WireMockServer.Start();
        collector.Given(Request.Create().UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/x-protobuf"));
        var settings = GatewayFactory.BaseSettings(_upstream.Url + "/");
        settings[HostTelemetry.OtlpEndpointKey] = collector.Url;
        settings["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        await using var factory = new GatewayFactory(settings);
        using var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Get("/open/data"))).StatusCode);
        await client.GetAsync("/healthz");
        Assert.True(factory.Services.GetRequiredService<TracerProvider>().ForceFlush(10_000));

        var traces = collector.LogEntries
            .Where(e => e.RequestMessage.Path == "/v1/traces")
            .Select(e => Encoding.UTF8.GetString(e.RequestMessage.BodyAsBytes ?? []))
            .ToList();
        var exported = string.Concat(traces);
        Assert.NotEmpty(traces);
        // Protobuf keeps strings as UTF-8, so scope names and attributes can be found in the raw body.
        Assert.Contains("Microsoft.AspNetCore", exported, StringComparison.Ordinal);
        Assert.Contains("Yarp.ReverseProxy", exported, StringComparison.Ordinal);
        Assert.Contains("System.Net.Http", exported, StringComparison.Ordinal);
        Assert.Contains("/open/{**rest}", exported, StringComparison.Ordinal);
        Assert.DoesNotContain("/healthz", exported, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Traces_NoOtlpEndpoint_NoTracerProvider()
    {
        await using var factory = new GatewayFactory(GatewayFactory.BaseSettings(_upstream.Url + "/"));
        using var client = factory.CreateClient();

        Assert.Null(factory.Services.GetService<TracerProvider>());
    }

    [Theory]
    [InlineData("Production", "json")]
    [InlineData("Staging", "json")]
    [InlineData("Development", "simple")]
    public async Task Logging_ConsoleFormatter_JsonOutsideDevelopment(string environment, string formatter)
    {
        var settings = GatewayFactory.BaseSettings(_upstream.Url + "/");
        settings["Bff:Session:AllowInMemoryStore"] = "true";
        await using var factory = new GatewayFactory(settings, environment);
        using var client = factory.CreateClient();

        var options = factory.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue;

        Assert.Equal(formatter, options.FormatterName ?? "simple");
    }
}
