using Bff.Http;
using Bff.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bff.Hosting;

/// <summary>
/// The host-wide choices of the stock gateway host, for hosts that want them: Kestrel's request limits and no
/// <c>Server</c> header, problem+json for every unhandled exception, and <c>/healthz</c> and <c>/readyz</c>. A
/// host with its own error handling or probes leaves these out and keeps what <c>AddBff</c> and <c>UseBff</c> do.
/// Logging and telemetry exporters are the host's own (the stock host's are in <c>gateway/Bff.Host</c>).
/// </summary>
public static class BffHostDefaults
{
    /// <summary>Liveness: 200 while the process runs.</summary>
    public const string LivenessPath = "/healthz";

    /// <summary>Readiness: Redis answers and the IdP's discovery has loaded once.</summary>
    public const string ReadinessPath = "/readyz";

    /// <summary>Adds the stock host's services and server settings.</summary>
    /// <param name="builder">The host's builder.</param>
    public static WebApplicationBuilder AddBffHostDefaults(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // TLS endpoints from configuration and full routing (regex constraints in YARP routes): what the slim
        // builder leaves out and a gateway needs.
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        builder.Services.AddRouting();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<KestrelServerOptions>, KestrelLimitsSetup>());

        // Off entirely. Its Information events carry full request URLs, and the login callback's has the
        // authorization code; and while it is enabled at any level, hosting starts an Activity and a log
        // scope for every request (and HttpClient then writes a traceparent into every proxied call) just
        // in case something logs. With OTLP tracing on, the activities come back, and logs carry TraceId.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);

        builder.Services.TryAddSingleton<ShutdownDrain>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ShutdownDrain>());
        builder.Services.AddHealthChecks().AddCheck<ShutdownDrain>("shutdown", tags: [BffHealthTags.Ready]);

        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<BffExceptionHandler>();
        return builder;
    }

    /// <summary>
    /// The framework's exception handler (with the gateway's problem documents) behind an error boundary that
    /// spares proxied requests its await, then routing. Call it first, then <c>UseBff</c>.
    /// </summary>
    /// <param name="app">The host's application.</param>
    public static WebApplication UseBffHostDefaults(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var errors = ((IApplicationBuilder)app).New();
        errors.UseExceptionHandler();
        errors.Run(BffErrorBoundary.Rethrow);
        var handler = errors.Build();
        app.Use(next => new BffErrorBoundary(next, handler).InvokeAsync);
        ((IApplicationBuilder)app).Properties[BffApplicationBuilderExtensions.HostErrorBoundaryKey] = true;
        app.UseRouting();
        return app;
    }

    /// <summary>Maps <c>/healthz</c> and <c>/readyz</c>.</summary>
    /// <param name="endpoints">The host's endpoint route builder.</param>
    public static IEndpointRouteBuilder MapBffHostDefaults(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        // Ordered with the gateway's own endpoints, so that no proxied catch-all route takes the probes.
        endpoints = endpoints.MapGroup("").WithOrder(BffApplicationBuilderExtensions.GatewayEndpointOrder);
        endpoints.MapHealthChecks(LivenessPath, new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponseWriter.WriteAsync });
        endpoints.MapHealthChecks(ReadinessPath, new HealthCheckOptions { Predicate = c => c.Tags.Contains(BffHealthTags.Ready), ResponseWriter = HealthResponseWriter.WriteAsync });
        return endpoints;
    }
}
