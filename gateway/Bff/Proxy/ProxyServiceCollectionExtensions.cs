using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bff.Proxy;

/// <summary>Registers YARP with the gateway's routes, transforms and upstream client.</summary>
internal static class ProxyServiceCollectionExtensions
{
    public static IServiceCollection AddBffProxy(this IServiceCollection services, IConfiguration routes)
    {
        services.AddSingleton<BffProxyMarker>();
        services.AddReverseProxy()
            .LoadFromConfig(routes)
            .AddTransforms<BffProxyTransformProvider>()
            .ConfigureHttpClient(static (_, handler) => handler.MeterFactory = ProxyClientMeterFactory.Instance);
        return services;
    }
}
