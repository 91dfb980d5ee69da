using Bff.Telemetry;
using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Bff.Tests.Security;

/// <summary>The burst signals through the real pipeline: what the cookie reader and the CSRF checks report reaches them.</summary>
[Collection(InProcessHostCollection.Name)]
public sealed class SecuritySignalsHostTests
{
    [Fact]
    public async Task UndecryptableCookies_And_CsrfRefusals_OverTheirThresholds_OneSignalEach()
    {
        var settings = GatewayFactory.BaseSettings();
        settings["Bff:Security:InvalidCookieBurst"] = "2";
        settings["Bff:Security:CsrfRejectionBurst"] = "2";
        await using var factory = new GatewayFactory(settings);
        using var client = factory.CreateClient();
        using var signals = new MetricCollector<long>(factory.Services.GetRequiredService<IMeterFactory>(), BffTelemetry.MeterName, "bff.security.events");

        for (var i = 0; i < 2; i++)
        {
            (await client.SendAsync(GatewayRequest.Browser("GET", "/bff/user", "__Host-bff=forged" + i).ToMessage())).Dispose();
            (await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/bff/user"))).Dispose();
        }

        Assert.Empty(Raised(signals));

        using var cookie = await client.SendAsync(GatewayRequest.Browser("GET", "/bff/user", "__Host-bff=forged").ToMessage());
        using var csrf = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/bff/user"));

        Assert.Equal(HttpStatusCode.Unauthorized, cookie.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, csrf.StatusCode);
        Assert.Equal(["invalid_cookie_burst", "csrf_rejection_burst"], Raised(signals));
    }

    private static string[] Raised(MetricCollector<long> signals) =>
        [.. signals.GetMeasurementSnapshot().Where(m => m.Value > 0).Select(m => (string)m.Tags["kind"]!)];
}
