using Bff.Tests.Integration.Infrastructure;
using System.Globalization;
using Microsoft.Playwright;

namespace Bff.Tests.Browser;

/// <summary>
/// The demo's two frontends on one gateway process, as <c>infra/demo.sh</c> serves them: the customer SPA (the
/// top-level client) on <c>http://127.0.0.1:port</c> and the admin console (<c>Bff:Frontends:admin</c>, client
/// <c>bff-admin</c>, cookie <c>__Host-bff-admin</c>, the route <c>/admin-api/me</c> for it alone) on
/// <c>http://127.0.0.2:port</c>. Their own dev IdP sends back-channel logout for both clients to the gateway, and
/// their own demo API trusts it. The browser is <see cref="SpaFixture"/>'s.
/// </summary>
/// <remarks>
/// The IdP listens on 127.0.0.2: the admin console's site, so its cookies reach the console's silent-login iframe
/// (a cross-site iframe gets none), while the customer SPA on 127.0.0.1 signs in there by top-level navigation only.
/// </remarks>
public sealed class TwoFrontendsFixture : IAsyncLifetime
{
    public const string CustomerCookie = "__Host-bff";

    public const string AdminCookie = "__Host-bff-admin";

    private RedisServer? _redis;
    private DevIdp? _idp;
    private DemoApiProcess? _api;
    private GatewayProcess? _gateway;

    public DevIdp Idp => _idp ?? throw new InvalidOperationException("Not started.");

    public GatewayProcess Gateway => _gateway ?? throw new InvalidOperationException("Not started.");

    /// <summary><c>http://127.0.0.1:port/</c>: the customer SPA.</summary>
    public Uri CustomerRoot => Gateway.BaseAddress;

    /// <summary><c>http://127.0.0.2:port/</c>: the admin console's origin (its page is <c>/admin/</c>).</summary>
    public Uri AdminRoot => new(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.2:{Gateway.Port}/"));

    /// <summary>The customer SPA in a new tab of <paramref name="context"/>, once it has asked who is signed in.</summary>
    internal async Task<DemoSpa> OpenCustomerAsync(SpaFixture fixture, IBrowserContext context)
    {
        var spa = new DemoSpa(await context.NewPageAsync(), fixture, Gateway, Idp);
        await spa.OpenAsync();
        return spa;
    }

    /// <summary>The admin console in a new tab of <paramref name="context"/>, once it has asked who is signed in.</summary>
    internal async Task<DemoSpa> OpenAdminAsync(SpaFixture fixture, IBrowserContext context)
    {
        var spa = new DemoSpa(await context.NewPageAsync(), fixture, Gateway, Idp, AdminRoot);
        await spa.OpenAsync("/admin/");
        return spa;
    }

    public async Task InitializeAsync()
    {
        var port = FreePort.Next();
        // A Redis of its own, as SpaFixture has: these tests sign alice in often, and no other test's sessions count.
        _redis = await RedisServer.StartAsync();
        _idp = await DevIdp.StartAsync(new DevIdpOptions
        {
            Host = "127.0.0.2",
            // The admin client gets the same receiver unless told otherwise (IDP_ADMIN_BACKCHANNEL_LOGOUT_URI).
            BackchannelLogoutUri = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/bff/backchannel-logout")),
        });
        _api = await DemoApiProcess.StartAsync(_idp);

        var config = GatewayConfig.Create(_idp, _redis, _api.BaseAddress);
        config["Bff:Frontends:admin:Origin"] = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.2:{port}");
        config["Bff:Frontends:admin:ClientId"] = "bff-admin";
        config["Bff:Frontends:admin:ClientSecret"] = "bff-admin-secret";
        config["ReverseProxy:Routes:adminapi:ClusterId"] = "api";
        config["ReverseProxy:Routes:adminapi:Match:Path"] = "/admin-api/me";
        config["ReverseProxy:Routes:adminapi:Transforms:0:PathSet"] = "/api/me";
        config["ReverseProxy:Routes:adminapi:Metadata:Bff.Frontends"] = "admin";
        _gateway = await GatewayProcess.StartAsync(new GatewayStartOptions
        {
            Config = config,
            Port = port,
            Hosts = ["127.0.0.1", "127.0.0.2"],
            StartTimeout = TimeSpan.FromSeconds(90),
        });
    }

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        if (_api is not null)
        {
            await _api.DisposeAsync();
        }

        if (_idp is not null)
        {
            await _idp.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }
}
