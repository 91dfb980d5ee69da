using Bff.Configuration;
using Bff.Telemetry;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bff.Idp;

/// <summary>
/// Loads the IdP's discovery document at start, retrying with backoff, so the first login does not
/// pay for it and readiness can tell whether the IdP was ever reachable.
/// </summary>
internal sealed partial class IdpDiscoveryWarmup(
    IOptionsMonitor<OpenIdConnectOptions> oidcOptions,
    IdpDiscoveryState state,
    TimeProvider time,
    ILogger<IdpDiscoveryWarmup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the start-up path: options validation must be what reports bad configuration.
        await Task.Yield();
        var delay = TimeSpan.FromMilliseconds(250);
        var manager = oidcOptions.Get(BffSessionDefaults.OidcScheme).ConfigurationManager;
        if (manager is null)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await manager.GetConfigurationAsync(stoppingToken);
                state.MarkLoaded();
                LogLoaded(logger);
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(logger, ex.GetType().Name, delay.TotalSeconds);
                manager.RequestRefresh();
            }

            await Task.Delay(delay, time, stoppingToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
        }
    }

    [LoggerMessage(EventId = BffEventIds.IdpDiscoveryLoaded, Level = LogLevel.Information, Message = "IdP discovery document loaded")]
    private static partial void LogLoaded(ILogger logger);

    [LoggerMessage(EventId = BffEventIds.IdpDiscoveryFailed, Level = LogLevel.Warning, Message = "IdP discovery failed ({Reason}); retrying in {DelaySeconds} s")]
    private static partial void LogFailed(ILogger logger, string reason, double delaySeconds);
}
