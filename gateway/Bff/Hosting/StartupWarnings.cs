using Bff.Configuration;
using Bff.Sessions;
using Bff.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bff.Hosting;

/// <summary>Says loudly, once at start, which safety nets an operator has left off.</summary>
internal sealed partial class StartupWarnings(
    IOptions<BffOptions> options,
    IHostEnvironment environment,
    IEnumerable<SessionStoreKind> storeKinds,
    ILogger<StartupWarnings> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (storeKinds.Contains(SessionStoreKind.InMemory))
        {
            LogInMemoryStore(logger);
        }
        else if (!environment.IsDevelopment() && string.IsNullOrEmpty(options.Value.DataProtection.CertificatePath))
        {
            LogUnencryptedKeyRing(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = BffEventIds.InMemoryStoreInUse, Level = LogLevel.Warning, Message = "ConnectionStrings:Redis is empty: sessions are kept in memory. They are lost on restart and not shared with other instances; do not run more than one instance like this.")]
    private static partial void LogInMemoryStore(ILogger logger);

    [LoggerMessage(EventId = BffEventIds.KeyRingUnencrypted, Level = LogLevel.Warning, Message = "Bff:DataProtection:CertificatePath is not set: the Data Protection key ring in Redis is not encrypted, so tokens at rest are only as safe as Redis itself.")]
    private static partial void LogUnencryptedKeyRing(ILogger logger);
}
