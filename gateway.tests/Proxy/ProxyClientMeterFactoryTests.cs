using System.Diagnostics.Metrics;
using System.Net;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Bff.Tests.Proxy;

/// <summary>
/// <c>Bff:Telemetry:UpstreamClientMetrics</c>: off (the default) the proxy's calls to an upstream record no
/// <c>http.client.request.duration</c> on HttpClient's meter, on they do. Other tests' HTTP calls feed the same meter,
/// so only the measurements of this test's upstream, by its port, count.
/// </summary>
[Collection(InProcessHostCollection.Name)]
public sealed class ProxyClientMeterFactoryTests : IDisposable
{
    private readonly WireMockServer _upstream;

    public ProxyClientMeterFactoryTests()
    {
        _upstream = WireMockServer.Start();
        _upstream.Given(Request.Create().UsingAnyMethod().WithPath("/open/*"))
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("{}"));
    }

    public void Dispose() => _upstream.Stop();

    [Theory]
    [InlineData(null, 0)]
    [InlineData("false", 0)]
    [InlineData("true", 3)]
    public async Task ProxiedCalls_ClientDurationsOfTheUpstream_OnlyWhenAskedFor(string? setting, int expected)
    {
        var port = new Uri(_upstream.Url!).Port;
        var recorded = 0;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument is { Name: "http.client.request.duration", Meter.Name: "System.Net.Http" })
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "server.port" && tag.Value is int p && p == port)
                {
                    Interlocked.Increment(ref recorded);
                }
            }
        });
        listener.Start();
        var settings = GatewayFactory.BaseSettings(_upstream.Url + "/");
        if (setting is not null)
        {
            settings["Bff:Telemetry:UpstreamClientMetrics"] = setting;
        }

        await using var factory = new GatewayFactory(settings);
        using var client = factory.CreateClient();

        for (var i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/open/data");
            request.Headers.Add("X-CSRF", "1");
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(expected, Volatile.Read(ref recorded));
    }
}
