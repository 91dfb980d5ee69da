using Bff.Configuration;
using Bff.Redis;
using Bff.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Bff.Sessions;

/// <summary>Registers the session cookie and protection, and one of the two session stores.</summary>
internal static class SessionServiceCollectionExtensions
{
    public static IServiceCollection AddBffSessions(this IServiceCollection services)
    {
        services.AddHostedService<KeyRingWarmup>();
        services.TryAddSingleton<KeyRingReloadGate>();
        services.TryAddSingleton<SessionProtector>();
        services.TryAddSingleton<SessionCookie>();
        return services;
    }

    /// <summary>Sessions in Redis, cached per instance and kept in step through pub/sub.</summary>
    public static IServiceCollection AddBffRedisSessionStore(this IServiceCollection services, string connectionString)
    {
        services.AddSingleton(SessionStoreKind.Redis);
        services.TryAddSingleton(sp => RedisConnection.Connect(connectionString, sp.GetRequiredService<IOptions<BffOptions>>().Value.SessionStoreTimeout));
        services.TryAddSingleton(sp => new RedisKeys(sp.GetRequiredService<IOptions<BffOptions>>().Value.Redis.KeyPrefix));
        services.TryAddSingleton(sp => new RedisRevocationConnection(connectionString, sp.GetRequiredService<IOptions<BffOptions>>(),
            sp.GetRequiredService<BffMetrics>()));
        services.TryAddSingleton<RedisSessionCalls>();
        services.TryAddSingleton<RedisSessionIndex>();
        services.TryAddSingleton<RedisActiveSessions>();
        services.TryAddSingleton<ISessionStore, RedisSessionStore>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ActiveSessionsGauge>());
        services.TryAddSingleton<SessionCache>();
        services.TryAddSingleton<SessionStoreHealth>();
        services.AddHostedService<SessionInvalidationListener>();
        services.AddHostedService<SessionCacheRevalidator>();
        services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: [BffHealthTags.Ready]);
        return services;
    }

    /// <summary>Sessions in this process only: one instance, lost on restart.</summary>
    public static IServiceCollection AddBffInMemorySessionStore(this IServiceCollection services)
    {
        services.AddSingleton(SessionStoreKind.InMemory);
        services.TryAddSingleton<ISessionStore, InMemorySessionStore>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ActiveSessionsGauge>());
        return services;
    }
}
