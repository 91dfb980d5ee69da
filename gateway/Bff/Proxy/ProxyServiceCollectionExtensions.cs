using Bff.Routes;
using Bff.Sessions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;

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
        services.TryAddSingleton(RulesFor);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigChangeListener, ProxyConfigRefusal>());
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

    private static RouteMetadataRules RulesFor(IServiceProvider services)
    {
        var authorization = services.GetRequiredService<IOptions<AuthorizationOptions>>().Value;
        // A provider of the host's own may make policies up on demand: then only YARP's validation, which asks
        // it, can tell whether a name exists.
        Func<string, bool> isPolicy = services.GetRequiredService<IAuthorizationPolicyProvider>() is DefaultAuthorizationPolicyProvider
            ? name => authorization.GetPolicy(name) is not null
            : _ => true;
        return new RouteMetadataRules(isPolicy, RouteMetadataRules.FrontendNames(services.GetRequiredService<IConfiguration>()));
    }
}
