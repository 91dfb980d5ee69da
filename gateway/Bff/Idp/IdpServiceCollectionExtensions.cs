using Bff.Configuration;
using Bff.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Bff.Idp;

/// <summary>
/// Registers what talks to the IdP: discovery, the token and revocation client, logout-token validation, and the
/// one HttpClient every IdP call goes through (<see cref="IdpPipeline"/>).
/// </summary>
internal static class IdpServiceCollectionExtensions
{
    public static IServiceCollection AddBffIdp(this IServiceCollection services)
    {
        services.TryAddSingleton<IdpMetadata>();
        services.TryAddSingleton<IdpTokenClient>();
        services.TryAddSingleton(sp => new ClientAuthenticator(
            sp.GetRequiredService<IOptions<BffOptions>>().Value, BffOptions.SectionName, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IdpClients>();
        services.TryAddSingleton<LogoutTokenValidator>();
        services.TryAddSingleton<IdpDiscoveryState>();
        services.AddHostedService<IdpDiscoveryWarmup>();
        services.AddHealthChecks().AddCheck<IdpDiscoveryHealthCheck>("idp", tags: [BffHealthTags.Ready]);
        services.TryAddSingleton<IdpCallLimiter>();
        var client = services.AddHttpClient(IdpTokenClient.HttpClientName)
            // The pipeline's timeout is the one that counts: HttpClient's own would cancel as if the caller had given
            // up, which the circuit breaker rightly ignores.
            .ConfigureHttpClient(http => http.Timeout = Timeout.InfiniteTimeSpan);
        client.AddResilienceHandler(IdpPipeline.Name, IdpPipeline.Configure);
        client.AddHttpMessageHandler(() => new IdpResponseBuffer());
        return services;
    }
}
