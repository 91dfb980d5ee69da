using Bff.Sessions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bff.Proxy;

/// <summary>Registers YARP with the gateway's routes, transforms and upstream client.</summary>
internal static class ProxyServiceCollectionExtensions
{
    public static IServiceCollection AddBffProxy(this IServiceCollection services, IConfiguration routes)
    {
        services.AddSingleton<BffProxyMarker>();
        services.TryAddSingleton<SessionStreams>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISessionChangeObserver, SessionStreams>(sp => sp.GetRequiredService<SessionStreams>()));
        services.AddHostedService<SessionStreamSweep>();
        services.AddReverseProxy()
            .LoadFromConfig(routes)
            .AddTransforms<BffProxyTransformProvider>()
            .ConfigureHttpClient(static (_, handler) => handler.MeterFactory = ProxyClientMeterFactory.Instance);
        return services;
    }
}
