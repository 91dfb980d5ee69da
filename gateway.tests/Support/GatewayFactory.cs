using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Bff.Tests.Support;

/// <summary>
/// The gateway in-process, for tests that need no IdP round trip: configuration goes in as settings so
/// AddBff sees it while registering services. <paramref name="configureServices"/> runs after AddBff, to
/// replace a service (a fake <see cref="TimeProvider"/>, say).
/// </summary>
public sealed class GatewayFactory(
    IReadOnlyDictionary<string, string?> settings,
    string environment = "Development",
    Action<IServiceCollection>? configureServices = null)
    : WebApplicationFactory<Program>
{
    public static Dictionary<string, string?> BaseSettings(string upstream = "http://127.0.0.1:9/") => new()
    {
        // Nothing listens on port 9: the IdP is unreachable unless a test says otherwise.
        ["Bff:Authority"] = "http://127.0.0.1:9",
        ["Bff:ClientId"] = "bff",
        ["Bff:ClientSecret"] = "secret",
        ["Bff:RequireHttpsMetadata"] = "false",
        ["Bff:Tokens:IdpTimeout"] = "00:00:02",
        ["ReverseProxy:Routes:api:ClusterId"] = "api",
        ["ReverseProxy:Routes:api:Match:Path"] = "/api/{**rest}",
        ["ReverseProxy:Routes:open:ClusterId"] = "api",
        ["ReverseProxy:Routes:open:Match:Path"] = "/open/{**rest}",
        ["ReverseProxy:Routes:open:Metadata:Bff.AccessToken"] = "UserOptional",
        ["ReverseProxy:Routes:client:ClusterId"] = "api",
        ["ReverseProxy:Routes:client:Match:Path"] = "/client/{**rest}",
        ["ReverseProxy:Routes:client:Metadata:Bff.AccessToken"] = "Client",
        ["ReverseProxy:Clusters:api:Destinations:d1:Address"] = upstream,
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        // The stock host serves the demo SPA only when given it as its web root, as infra/demo.sh does.
        builder.UseWebRoot(RepoPaths.DemoSpaDirectory);
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        if (configureServices is not null)
        {
            builder.ConfigureTestServices(configureServices);
        }
    }
}
