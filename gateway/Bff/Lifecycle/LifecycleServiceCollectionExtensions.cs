using Bff.Sessions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bff.Lifecycle;

/// <summary>Registers how sessions end: the terminator, refresh-token revocation with retries, logout-token replay.</summary>
internal static class LifecycleServiceCollectionExtensions
{
    public static IServiceCollection AddBffSessionLifecycle(this IServiceCollection services)
    {
        // Where the queue and the replay cache live follows the session store chosen by the host.
        services.TryAddSingleton<IRevocationQueue>(sp => sp.GetRequiredService<SessionStoreKind>() == SessionStoreKind.Redis
            ? ActivatorUtilities.CreateInstance<RedisRevocationQueue>(sp)
            : new InMemoryRevocationQueue());
        services.TryAddSingleton<ILogoutTokenReplayCache>(sp => sp.GetRequiredService<SessionStoreKind>() == SessionStoreKind.Redis
            ? ActivatorUtilities.CreateInstance<RedisLogoutTokenReplayCache>(sp)
            : ActivatorUtilities.CreateInstance<InMemoryLogoutTokenReplayCache>(sp));
        services.TryAddSingleton<RefreshTokenRevoker>();
        services.TryAddSingleton<SessionTerminator>();
        services.AddHostedService<RevocationRetryService>();
        return services;
    }
}
