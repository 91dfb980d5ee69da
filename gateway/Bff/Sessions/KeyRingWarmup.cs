using Bff.Telemetry;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bff.Sessions;

/// <summary>
/// Loads the Data Protection key ring at start. Data Protection reads its repository synchronously, and
/// a first read under a burst of requests would hold a pool thread for every one of them until it is done.
/// </summary>
internal sealed partial class KeyRingWarmup(IDataProtectionProvider provider, ILogger<KeyRingWarmup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = Task.Run(() =>
        {
            try
            {
                var protector = provider.CreateProtector("Bff.KeyRingWarmup");
                protector.Unprotect(protector.Protect([1]));
            }
            catch (Exception ex)
            {
                // Redis may be down at start; the first request will try again and answer 503 if it must.
                LogFailed(logger, ex.GetType().Name);
            }
        }, cancellationToken);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = BffEventIds.KeyRingLoadFailed, Level = LogLevel.Warning, Message = "Data Protection key ring could not be loaded at start: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
