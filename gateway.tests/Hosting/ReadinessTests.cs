using Bff.Tests.Support;
using System.Net;
using System.Text.Json;

namespace Bff.Tests.Hosting;

[Collection(InProcessHostCollection.Name)]
public sealed class ReadinessTests
{
    [Fact]
    public async Task Readyz_RedisUnreachable_503NamingRedis_NoConnectionDetails()
    {
        var settings = GatewayFactory.BaseSettings();
        // Nothing listens on port 1; the password must not come back in any form.
        settings["ConnectionStrings:Redis"] = "127.0.0.1:1,password=hunter2-not-for-logs,connectTimeout=500";
        settings["Bff:SessionStoreTimeout"] = "00:00:01";
        await using var factory = new GatewayFactory(settings);
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var text = await response.Content.ReadAsStringAsync();
        using var body = JsonDocument.Parse(text);
        Assert.Equal("Unhealthy", body.RootElement.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString());
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("password", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);

        // Liveness does not depend on Redis: restarting the process would not bring Redis back.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task Readyz_DiscoveryLoadedThenIdpDown_Stays200()
    {
        using var idp = new FakeOidcProvider();
        var settings = GatewayFactory.BaseSettings();
        settings["Bff:Authority"] = idp.Issuer;
        await using var factory = new GatewayFactory(settings);
        using var client = factory.CreateClient();

        await Eventually.TrueAsync(async () => (await client.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(15),
            "discovery to load and /readyz to answer 200", TimeSpan.FromMilliseconds(100));

        idp.Server.Stop();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);
    }
}
