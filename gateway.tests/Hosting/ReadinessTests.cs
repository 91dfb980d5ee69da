using System.Net;
using System.Text.Json;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

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
        var idp = WireMockServer.Start();
        try
        {
            idp.Given(Request.Create().WithPath("/.well-known/openid-configuration")).RespondWith(Response.Create()
                .WithHeader("Content-Type", "application/json")
                .WithBody(JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["issuer"] = idp.Url!,
                    ["authorization_endpoint"] = idp.Url + "/authorize",
                    ["token_endpoint"] = idp.Url + "/token",
                    ["jwks_uri"] = idp.Url + "/jwks",
                    ["response_types_supported"] = new[] { "code" },
                    ["subject_types_supported"] = new[] { "public" },
                    ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
                })));
            idp.Given(Request.Create().WithPath("/jwks")).RespondWith(Response.Create()
                .WithHeader("Content-Type", "application/json").WithBody("{\"keys\":[]}"));
            var settings = GatewayFactory.BaseSettings();
            settings["Bff:Authority"] = idp.Url;
            await using var factory = new GatewayFactory(settings);
            using var client = factory.CreateClient();

            await Eventually.TrueAsync(async () => (await client.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(15),
                "discovery to load and /readyz to answer 200", TimeSpan.FromMilliseconds(100));

            idp.Stop();

            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);
        }
        finally
        {
            idp.Stop();
        }
    }
}
