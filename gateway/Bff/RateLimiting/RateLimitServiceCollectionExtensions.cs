using Bff.Configuration;
using Bff.Sessions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Bff.RateLimiting;

/// <summary>Registers the rate limits; their middleware is added only when one is configured.</summary>
internal static class RateLimitServiceCollectionExtensions
{
    public static IServiceCollection AddBffRateLimiting(this IServiceCollection services)
    {
        services.TryAddSingleton<PermitStoreHealth>();
        // Shared through Redis with the Redis session store; with the in-memory store there is one instance, whose
        // own buckets are the whole limit. A registered IPermitStore (a test's) takes precedence.
        services.TryAddSingleton(sp => new RateLimiters(
            sp.GetRequiredService<IOptions<BffOptions>>().Value.RateLimit,
            sp.GetService<IPermitStore>() ?? (sp.GetRequiredService<SessionStoreKind>() == SessionStoreKind.Redis
                ? ActivatorUtilities.CreateInstance<RedisPermitStore>(sp)
                : null),
            sp.GetRequiredService<PermitStoreHealth>(),
            sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
