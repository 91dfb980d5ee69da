using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bff.Idp;

/// <summary>Ready once discovery has loaded; a later IdP outage does not make the instance unready.</summary>
internal sealed class IdpDiscoveryHealthCheck(IdpDiscoveryState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(state.Loaded
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("The IdP discovery document has not been loaded yet."));
}
