using Bff.Hosting;
using Bff.Telemetry;
using System.Diagnostics.Metrics;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Bff.Host;

/// <summary>
/// The stock host's logs, metrics and traces: JSON console logs outside Development, Prometheus metrics at
/// <c>/metrics</c>, and OTLP export of traces, metrics and logs when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// Host-wide choices, so they are the host's, not the library's.
/// </summary>
internal static class HostTelemetry
{
    /// <summary>The path Prometheus scrapes.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>The configuration key (an environment variable, usually) that turns OTLP export on.</summary>
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    internal static readonly string[] Meters =
    [
        BffTelemetry.MeterName,
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Diagnostics",
        "System.Net.Http",
        "System.Runtime",
        // Resilience events of the IdP token client: its circuit breaker opening and closing.
        "Polly",
    ];

    internal const int CardinalityLimit = 500;

    // Recorded on every proxied call and of little use next to what is kept: a dropped instrument is
    // never enabled, so HttpClient skips its bookkeeping. (Per request, http.client.open_connections
    // moves twice, idle to active and back, and active_requests twice; request.duration stays.)
    private static readonly HashSet<string> DroppedInstruments = new(StringComparer.Ordinal)
    {
        "http.client.open_connections",
        "http.client.active_requests",
    };

    internal static readonly string[] ActivitySources = [BffTelemetry.ActivitySourceName, "Yarp.ReverseProxy"];

    private static readonly PathString[] UntracedPaths = ["/healthz", "/readyz", MetricsPath];

    /// <summary>Adds the gateway's logging format and its OpenTelemetry meters and activity sources.</summary>
    public static IHostApplicationBuilder AddHostTelemetry(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        if (!builder.Environment.IsDevelopment())
        {
            // One JSON object per line, so a log pipeline needs no parsing rules; scopes carry TraceId and SpanId.
            builder.Logging.AddJsonConsole(options =>
            {
                options.IncludeScopes = true;
                options.UseUtcTimestamp = true;
                options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(
                serviceName: builder.Configuration["OTEL_SERVICE_NAME"] ?? "bff-gateway",
                serviceVersion: ServiceVersion,
                serviceInstanceId: Environment.MachineName))
            .WithMetrics(metrics => metrics
                .AddMeter(Meters)
                .AddView(StreamOf)
                .AddPrometheusExporter());

        // Spans and log records have nowhere to go without a collector, so they are not even recorded.
        if (!string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointKey]))
        {
            telemetry
                .WithTracing(tracing => tracing
                    .AddSource(ActivitySources)
                    .AddAspNetCoreInstrumentation(options => options.Filter = IsTraced)
                    // The IdP's token, revocation and discovery calls, and the proxied calls' HTTP client spans.
                    .AddHttpClientInstrumentation()
                    // Every Redis command, from the session store's connection (none with the in-memory store).
                    .AddRedisInstrumentation())
                .WithLogging(configureBuilder: null, configureOptions: options =>
                {
                    options.IncludeScopes = true;
                    options.IncludeFormattedMessage = true;
                })
                .UseOtlpExporter();
        }

        return builder;
    }

    /// <summary><c>service.version</c>: the gateway library's informational version (its package version).</summary>
    internal static string ServiceVersion { get; } =
        typeof(BffTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(BffTelemetry).Assembly.GetName().Version?.ToString() ?? "0.0.0";

    /// <summary>Maps <c>GET /metrics</c> (Prometheus text format).</summary>
    public static IEndpointRouteBuilder MapHostTelemetry(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        // With the gateway's own endpoints, before every proxied route.
        endpoints.MapGroup("").WithOrder(BffApplicationBuilderExtensions.GatewayEndpointOrder).MapPrometheusScrapingEndpoint(MetricsPath);
        return endpoints;
    }

    private static MetricStreamConfiguration StreamOf(Instrument instrument) =>
        DroppedInstruments.Contains(instrument.Name)
            ? MetricStreamConfiguration.Drop
            // The SDK preallocates every stream's points up to this limit (2,000 by default, ~160 KB a
            // stream, ~7 MB for these meters). No instrument here comes near 500 series: routes ×
            // methods × status codes of one gateway; past it the SDK keeps an overflow series.
            : new MetricStreamConfiguration { CardinalityLimit = CardinalityLimit };

    private static bool IsTraced(HttpContext context)
    {
        foreach (var path in UntracedPaths)
        {
            if (context.Request.Path.Equals(path, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }
}
