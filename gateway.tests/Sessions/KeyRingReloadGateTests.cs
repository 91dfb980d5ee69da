using Bff.Redis;
using Bff.Sessions;
using Bff.Tests.Support;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bff.Tests.Sessions;

/// <summary>
/// Two Data Protection instances over one repository, as two gateways over one Redis: what the second writes
/// under a key it has just added, the first reads after one read of the ring for a whole burst.
/// </summary>
public sealed class KeyRingReloadGateTests : IDisposable
{
    private const string Purpose = "Bff.Tests.KeyRingReloadGate";

    private readonly InMemoryXmlRepository _repository = new();
    private readonly TestDataProtection _gateway;
    private readonly TestDataProtection _other;

    public KeyRingReloadGateTests()
    {
        _gateway = TestDataProtection.InMemory(_repository);
        _other = TestDataProtection.InMemory(_repository);
        // The gateway loads the ring (creating its first key) before the other instance adds one.
        _gateway.Provider.CreateProtector(Purpose).Protect([1]);
    }

    public void Dispose()
    {
        _gateway.Dispose();
        _other.Dispose();
    }

    [Fact]
    public Task KnownKey_CompletesAtOnce_WithoutReadingTheRing() =>
        AssertCompletesAtOnceWithoutReadingTheRing(_gateway.Provider.CreateProtector(Purpose).Protect([1, 2, 3]));

    [Fact]
    public async Task KeyAddedElsewhere_BurstWaitsOnOneProbe_ThenUnprotects()
    {
        // Each probe is an Unprotect that holds a pool thread while the ring is read: one for the burst.
        var probes = new CountingDataProtectionProvider(_gateway.Provider);
        var gate = new KeyRingReloadGate(_gateway.KeyRing, probes, NullLogger<KeyRingReloadGate>.Instance);
        var payload = ProtectUnderNewKey([4, 5, 6]);
        var reads = _repository.Reads;

        var waits = Enumerable.Range(0, 50).Select(_ => gate.WaitForKeyAsync(payload, default).AsTask()).ToArray();
        var known = await Task.WhenAll(waits).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.All(known, Assert.True);
        Assert.Equal(1, probes.Unprotects);
        Assert.Equal(reads + 1, _repository.Reads);
        Assert.Equal([4, 5, 6], _gateway.Provider.CreateProtector(Purpose).Unprotect(payload));
    }

    [Fact]
    public async Task KeyNoRingHas_FalseAfterReadingTheRing()
    {
        var payload = _gateway.Provider.CreateProtector(Purpose).Protect([7]);
        RandomNumberGenerator.Fill(payload.AsSpan(4, 16));
        var reads = _repository.Reads;

        Assert.False(await _gateway.Gate.WaitForKeyAsync(payload, default));
        Assert.Equal(reads + 1, _repository.Reads);
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 1, 2, 3 })]
    [InlineData(new byte[] { 0x09, 0xF0, 0xC9, 0xF1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 })]
    public Task NotADataProtectionPayload_LeftToUnprotect_WithoutReadingTheRing(byte[] payload) =>
        AssertCompletesAtOnceWithoutReadingTheRing(payload);

    [Fact]
    public async Task RingUnreachable_StoreUnavailable_NotARefusedPayload()
    {
        var payload = ProtectUnderNewKey([8]);
        _repository.Unreachable = true;

        var error = await Assert.ThrowsAsync<SessionStoreUnavailableException>(() => _gateway.Gate.WaitForKeyAsync(payload, default).AsTask());

        Assert.IsType<CryptographicException>(error.InnerException);
        Assert.IsType<IOException>(error.InnerException.InnerException);
    }

    [Fact]
    public async Task WaiterCancelled_StopsWaiting_ReadStillServesTheNext()
    {
        var payload = ProtectUnderNewKey([9]);
        var reads = _repository.Reads;
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _gateway.Gate.WaitForKeyAsync(payload, cancelled.Token).AsTask());

        // The probe the cancelled waiter started is the one read: the next waiter joins it or finds the key.
        Assert.True(await _gateway.Gate.WaitForKeyAsync(payload, default).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(reads + 1, _repository.Reads);
    }

    private async Task AssertCompletesAtOnceWithoutReadingTheRing(byte[] payload)
    {
        var reads = _repository.Reads;

        var wait = _gateway.Gate.WaitForKeyAsync(payload, default);

        Assert.True(wait.IsCompletedSuccessfully);
        Assert.True(await wait);
        Assert.Equal(reads, _repository.Reads);
    }

    private byte[] ProtectUnderNewKey(byte[] data)
    {
        var now = DateTimeOffset.UtcNow;
        _other.KeyManager.CreateNewKey(now, now.AddDays(90));
        // Not checked here by unprotecting it in the gateway: that would read the ring again itself.
        return _other.Provider.CreateProtector(Purpose).Protect(data);
    }
}
