using Bff.Sessions;
using Bff.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bff.Security;

/// <summary>Registers the security signals, their known-device memory and the webhook.</summary>
internal static class SecurityServiceCollectionExtensions
{
    public static IServiceCollection AddBffSecurity(this IServiceCollection services)
    {
        // Known devices live with the sessions: shared in Redis, in this process with the in-memory store.
        services.TryAddSingleton<IKnownDevices>(sp => sp.GetRequiredService<SessionStoreKind>() == SessionStoreKind.Redis
            ? ActivatorUtilities.CreateInstance<RedisKnownDevices>(sp)
            : ActivatorUtilities.CreateInstance<InMemoryKnownDevices>(sp));
        services.TryAddSingleton<SecurityEvents>();
        services.TryAddSingleton<SecuritySignals>();
        services.TryAddSingleton<ISecurityObserver>(sp => sp.GetRequiredService<SecuritySignals>());
        services.TryAddSingleton<SecurityWebhook>();
        services.AddHostedService(sp => sp.GetRequiredService<SecurityWebhook>());
        // Its own client: the IdP client's resilience pipeline and bounds are for the IdP, and a slow receiver
        // must not take their turns. Redirects are not followed, so the signed body goes only where configured.
        services.AddHttpClient(SecurityWebhook.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
        return services;
    }
}
