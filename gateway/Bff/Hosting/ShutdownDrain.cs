using Bff.Configuration;
using Bff.Telemetry;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bff.Hosting;

/// <summary>
/// The first step of a graceful stop (SIGTERM): readiness turns 503 at once, while the instance goes on serving for
/// <c>Bff:ShutdownDelay</c>, so a load balancer that polls <c>/readyz</c> stops sending to it before it stops
/// listening. The host then stops Kestrel, which finishes the requests in flight (up to the host's shutdown
/// timeout); refresh locks are released as the requests that hold them finish.
/// </summary>
/// <remarks>
/// Runs in <see cref="IHostedLifecycleService.StoppingAsync"/>, which the host awaits before it stops any hosted
/// service, the web server among them.
/// </remarks>
internal sealed partial class ShutdownDrain(IOptions<BffOptions> options, TimeProvider time, ILogger<ShutdownDrain> logger)
    : IHostedLifecycleService, IHealthCheck
{
    private volatile bool _stopping;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        var delay = options.Value.ShutdownDelay;
        LogDraining(logger, delay);
        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            await Task.Delay(delay, time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout ran out: stop now rather than not at all.
        }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_stopping ? HealthCheckResult.Unhealthy("The gateway is shutting down.") : HealthCheckResult.Healthy());

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = BffEventIds.ShutdownDraining, Level = LogLevel.Information,
        Message = "Shutting down: not ready, serving for {Delay} more, then finishing the requests in flight")]
    private static partial void LogDraining(ILogger logger, TimeSpan delay);
}
