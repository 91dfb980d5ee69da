using Bff.Redis;
using Bff.Telemetry;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement.Internal;
using Microsoft.Extensions.Logging;

namespace Bff.Sessions;

/// <summary>
/// Lets a request wait, without holding a thread, while Data Protection reads its key ring again for a key
/// it has not loaded: a key another instance wrote after this one read the ring.
/// </summary>
/// <remarks>
/// Data Protection does that read itself, inside <c>Unprotect</c>, synchronously and under one lock, and a
/// forced read is not shared: every request under the new key holds a pool thread while it waits its turn to
/// read the ring again, and a burst of them would need a pool thread each. Here one probe per burst holds one
/// thread, and every other request awaits it.
/// </remarks>
internal sealed partial class KeyRingReloadGate(IKeyRingProvider keyRing, IDataProtectionProvider provider, ILogger<KeyRingReloadGate> logger)
{
    // Data Protection's payload format: a 32-bit magic header, then the id of the key that protected it.
    private const uint MagicHeader = 0x09F0C9F0;
    private const int KeyIdOffset = sizeof(uint);
    private const int KeyIdLength = 16;

    private readonly IDataProtector _probe = provider.CreateProtector("Bff.KeyRingReloadGate.Probe");
    private readonly Lock _lock = new();
    private Probe? _current;

    /// <summary>
    /// Completes at once when <paramref name="protectedData"/> names a key of the loaded ring, or is not a Data
    /// Protection payload at all (its <c>Unprotect</c> refuses it without reading anything). Otherwise once the
    /// ring has been read again after this call began: true if the key is in it then. A ring that could not be
    /// read throws <see cref="SessionStoreUnavailableException"/>.
    /// </summary>
    /// <remarks>A request already given up is not served: asking the ring could make it read the repository for nobody.</remarks>
    public ValueTask<bool> WaitForKeyAsync(byte[] protectedData, CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested ? ValueTask.FromCanceled<bool>(cancellationToken)
        : !TryReadKeyId(protectedData, out var keyId) || Knows(keyId) ? ValueTask.FromResult(true)
        : WaitForUnknownKeyAsync(protectedData, keyId, cancellationToken);

    private async ValueTask<bool> WaitForUnknownKeyAsync(byte[] protectedData, Guid keyId, CancellationToken cancellationToken)
    {
        var arrivedAt = Stopwatch.GetTimestamp();
        while (true)
        {
            var probe = Join(protectedData);
            try
            {
                await probe.Task.WaitAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw new SessionStoreUnavailableException("The Data Protection key ring could not be read.", ex);
            }

            if (Knows(keyId))
            {
                return true;
            }

            // A probe that began before this request arrived may have read the ring before the key was there.
            if (probe.StartedAt >= arrivedAt)
            {
                return false;
            }
        }
    }

    private Probe Join(byte[] protectedData)
    {
        lock (_lock)
        {
            if (_current is { Task.IsCompleted: false } running)
            {
                return running;
            }

            var startedAt = Stopwatch.GetTimestamp();
            _current = new Probe(Task.Run(() => Read(protectedData)), startedAt);
            return _current;
        }
    }

    // Data Protection has no public way to read the ring again. Unprotecting a payload that names an unknown
    // key does it (in the first minutes after start, the window in which it looks for keys it has not seen),
    // before the payload is checked against this probe's purpose, which it then fails.
    private void Read(byte[] protectedData)
    {
        try
        {
            _probe.Unprotect(protectedData);
        }
        catch (CryptographicException ex) when (ex.InnerException is null)
        {
            // Expected: the payload was made for another purpose, or names a key the ring does not have.
        }
        catch (Exception ex)
        {
            // Data Protection wraps a failed read of the ring (Redis down) in a CryptographicException too,
            // with the cause inside: that one is an outage, not a payload it refused.
            LogReadFailed(logger, (ex.InnerException ?? ex).GetType().Name);
            throw;
        }
    }

    private bool Knows(Guid keyId) => keyRing.GetCurrentKeyRing().GetAuthenticatedEncryptorByKeyId(keyId, out _) is not null;

    private static bool TryReadKeyId(ReadOnlySpan<byte> protectedData, out Guid keyId)
    {
        if (protectedData.Length < KeyIdOffset + KeyIdLength || BinaryPrimitives.ReadUInt32BigEndian(protectedData) != MagicHeader)
        {
            keyId = default;
            return false;
        }

        keyId = new Guid(protectedData.Slice(KeyIdOffset, KeyIdLength));
        return true;
    }

    [LoggerMessage(EventId = BffEventIds.KeyRingReadFailed, Level = LogLevel.Warning, Message = "Data Protection key ring could not be read for a key it has not loaded: {Reason}")]
    private static partial void LogReadFailed(ILogger logger, string reason);

    private sealed record Probe(Task Task, long StartedAt);
}
