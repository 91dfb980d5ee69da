using System.Net;
using Bff.Hosting;
using Bff.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Bff.Tests.Proxy;

/// <summary>
/// Routes from a configuration that reloads: a reload with bad route metadata is refused whole, the last good routes
/// keep serving, and the operator is told under the gateway's event id with the key named.
/// </summary>
public sealed class ProxyConfigRefusalTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly ReloadableSource _routes = new();
    private readonly CapturingLoggerProvider _logs = new();
    private WireMockServer _upstream = null!;
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _upstream = WireMockServer.Start();
        _upstream.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200));
        _routes.Replace(Routes("/api/{**rest}"));

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Development });
        builder.WebHost.UseTestServer();
        builder.Logging.AddProvider(_logs);
        builder.Configuration["Bff:Authority"] = "http://127.0.0.1:9";
        builder.Configuration["Bff:ClientId"] = "bff";
        builder.Configuration["Bff:ClientSecret"] = "secret";
        builder.Configuration["Bff:RequireHttpsMetadata"] = "false";
        builder.AddBff().AddInMemorySessions().AddProxy(new ConfigurationBuilder().Add(_routes).Build());

        _app = builder.Build();
        _app.UseRouting();
        _app.UseBff();
        _app.MapBffEndpoints();
        await _app.StartAsync();
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        _upstream.Stop();
    }

    private Dictionary<string, string?> Routes(string path) => new()
    {
        ["Routes:api:ClusterId"] = "api",
        ["Routes:api:Match:Path"] = path,
        ["Routes:api:Metadata:Bff.AccessToken"] = "None",
        ["Clusters:api:Destinations:d1:Address"] = _upstream.Url + "/",
    };

    private async Task<HttpStatusCode> StatusOfAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-CSRF", "1");
        return (await _client.SendAsync(request)).StatusCode;
    }

    [Fact]
    public async Task Reload_BadMetadata_Refused_LastGoodRoutesServe_Logged()
    {
        Assert.Equal(HttpStatusCode.OK, await StatusOfAsync("/api/x"));

        var bad = Routes("/v2/{**rest}");
        bad["Routes:api:Metadata:Bff.AccessToken"] = "User,UserOptional";
        _routes.Replace(bad);

        await Eventually.TrueAsync(() => _logs.Records.Any(r => r.EventId.Id == BffEventIds.ProxyConfigRefused), Timeout, "the refused reload to be logged");
        var refused = _logs.Records.Single(r => r.EventId.Id == BffEventIds.ProxyConfigRefused);
        Assert.Equal(LogLevel.Error, refused.Level);
        Assert.Contains("ReverseProxy:Routes:api:Metadata:Bff.AccessToken", refused.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await StatusOfAsync("/api/x"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusOfAsync("/v2/x"));

        // The same change without the bad value is applied: the reload above was refused for its metadata alone.
        _routes.Replace(Routes("/v2/{**rest}"));
        await Eventually.TrueAsync(async () => await StatusOfAsync("/v2/x") == HttpStatusCode.OK, Timeout, "the good reload to be applied", TimeSpan.FromMilliseconds(50));
        Assert.Single(_logs.Records, r => r.EventId.Id == BffEventIds.ProxyConfigRefused);
    }

    /// <summary>A configuration source whose whole content a test replaces, as a reloaded file would.</summary>
    private sealed class ReloadableSource : ConfigurationProvider, IConfigurationSource
    {
        public IConfigurationProvider Build(IConfigurationBuilder builder) => this;

        public void Replace(Dictionary<string, string?> data)
        {
            Data = new Dictionary<string, string?>(data, StringComparer.OrdinalIgnoreCase);
            OnReload();
        }
    }
}
