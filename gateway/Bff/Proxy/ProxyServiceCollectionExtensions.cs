using Bff.Sessions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bff.Proxy;

/// <summary>Registers YARP with the gateway's routes, transforms and upstream client.</summary>
internal static class ProxyServiceCollectionExtensions
{
    // upstreamClientMetrics is Bff:Telemetry:UpstreamClientMetrics: the client's own meters stay on.
    public static IServiceCollection AddBffProxy(this IServiceCollection services, IConfiguration routes, bool upstreamClientMetrics = false)
    {
        services.AddSingleton<BffProxyMarker>();
        services.TryAddSingleton<SessionStreams>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISessionChangeObserver, SessionStreams>(sp => sp.GetRequiredService<SessionStreams>()));
        services.AddHostedService<SessionStreamSweep>();
        services.AddReverseProxy()
            .LoadFromConfig(routes)
            .AddTransforms<BffProxyTransformProvider>()
            .ConfigureHttpClient((_, handler) =>
            {
                if (!upstreamClientMetrics)
                {
                    handler.MeterFactory = ProxyClientMeterFactory.Instance;
                }
            });
        return services;
    }
}
