using Bff.Sessions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bff.Tokens;

/// <summary>Registers the user and client token managers and what coordinates refreshes across instances.</summary>
internal static class TokenServiceCollectionExtensions
{
    public static IServiceCollection AddBffTokenManagement(this IServiceCollection services)
    {
        services.TryAddSingleton<RefreshWaiters>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISessionChangeObserver, RefreshWaiters>(sp => sp.GetRequiredService<RefreshWaiters>()));
        services.TryAddSingleton<StoredTokenRefresher>();
        services.TryAddSingleton<UserTokenManager>();
        services.TryAddSingleton<ClientTokenManager>();
        services.TryAddSingleton<IRefreshLock>(sp => sp.GetRequiredService<SessionStoreKind>() == SessionStoreKind.Redis
            ? ActivatorUtilities.CreateInstance<RedisRefreshLock>(sp)
            : new InProcessRefreshLock(sp.GetRequiredService<RefreshWaiters>()));
        services.TryAddSingleton<IRefreshAttempts>(sp => sp.GetRequiredService<SessionStoreKind>() == SessionStoreKind.Redis
            ? ActivatorUtilities.CreateInstance<RedisRefreshAttempts>(sp)
            : ActivatorUtilities.CreateInstance<InMemoryRefreshAttempts>(sp));
        services.TryAddSingleton<ISharedTokenCache>(sp => sp.GetRequiredService<SessionStoreKind>() == SessionStoreKind.Redis
            ? ActivatorUtilities.CreateInstance<RedisTokenCache>(sp)
            : new LocalTokenCache());
        return services;
    }
}
