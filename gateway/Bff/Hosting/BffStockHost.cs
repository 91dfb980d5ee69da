using Microsoft.AspNetCore.Builder;

namespace Bff.Hosting;

/// <summary>
/// The stock host's composition of the gateway, in one place for every host that runs the gateway as the stock
/// host does: <c>gateway/Bff.Host</c>, and the test kit (<c>Bff.Testing</c>), which boots this same composition
/// in-process so that what a team tests is what it deploys. Host-wide extras (telemetry, static files) stay the
/// host's and go in through the callbacks.
/// </summary>
public static class BffStockHost
{
    /// <summary>The stock host's defaults, then the gateway with a session store and the proxy.</summary>
    /// <param name="builder">The host's builder.</param>
    /// <param name="store">Adds the session store; <see cref="BffBuilder.AddSessionStore"/> (the stock choice) when null.</param>
    public static BffBuilder AddBffStockHost(this WebApplicationBuilder builder, Func<BffBuilder, BffBuilder>? store = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddBffHostDefaults();
        var bff = builder.AddBff();
        bff = store is null ? bff.AddSessionStore() : store(bff);
        return bff.AddProxy();
    }

    /// <summary>
    /// The stock host's pipeline and endpoints: <see cref="BffHostDefaults.UseBffHostDefaults"/>, <c>UseBff()</c>,
    /// then <paramref name="afterGateway"/> (static files go there, after the gateway's middleware), the probes,
    /// <paramref name="mapHost"/> (the host's own endpoints) and <c>MapBffEndpoints()</c>.
    /// </summary>
    /// <param name="app">The built application.</param>
    /// <param name="afterGateway">Middleware of the host that runs after the gateway's.</param>
    /// <param name="mapHost">Endpoints of the host.</param>
    public static WebApplication UseBffStockHost(this WebApplication app, Action<WebApplication>? afterGateway = null, Action<WebApplication>? mapHost = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseBffHostDefaults();
        app.UseBff();
        afterGateway?.Invoke(app);
        app.MapBffHostDefaults();
        mapHost?.Invoke(app);
        app.MapBffEndpoints();
        return app;
    }
}
