using Bff.Configuration;
using Bff.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Bff.Idp;

/// <summary>Registers what talks to the IdP: discovery, the token and revocation client, logout-token validation.</summary>
internal static class IdpServiceCollectionExtensions
{
    public static IServiceCollection AddBffIdp(this IServiceCollection services)
    {
        services.TryAddSingleton<IdpMetadata>();
        services.TryAddSingleton<IdpTokenClient>();
        services.TryAddSingleton(sp => new ClientAuthenticator(
            sp.GetRequiredService<IOptions<BffOptions>>().Value, BffOptions.SectionName, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<LogoutTokenValidator>();
        services.TryAddSingleton<IdpDiscoveryState>();
        services.AddHostedService<IdpDiscoveryWarmup>();
        services.AddHealthChecks().AddCheck<IdpDiscoveryHealthCheck>("idp", tags: [BffHealthTags.Ready]);
        services.AddHttpClient(IdpTokenClient.HttpClientName)
            .AddResilienceHandler("idp", pipeline => pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                // A dead IdP is answered fast instead of every request waiting out IdpTimeout.
                FailureRatio = 0.5,
                MinimumThroughput = 5,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = TimeSpan.FromSeconds(5),
            }));
        return services;
    }
}
