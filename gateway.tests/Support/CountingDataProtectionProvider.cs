using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Bff.Tests.Support;

/// <summary>A provider whose protectors count their <c>Unprotect</c> calls: the work a cache or a gate must save.</summary>
internal sealed class CountingDataProtectionProvider(IDataProtectionProvider inner) : IDataProtectionProvider
{
    private int _unprotects;

    public int Unprotects => Volatile.Read(ref _unprotects);

    /// <summary>Every unprotect fails from now on, as after the key ring lost or revoked the key.</summary>
    public bool Refusing { get; set; }

    public IDataProtector CreateProtector(string purpose) => new Counting(inner.CreateProtector(purpose), this);

    private sealed class Counting(IDataProtector protector, CountingDataProtectionProvider owner) : IDataProtector
    {
        public IDataProtector CreateProtector(string purpose) => new Counting(protector.CreateProtector(purpose), owner);

        public byte[] Protect(byte[] plaintext) => protector.Protect(plaintext);

        public byte[] Unprotect(byte[] protectedData)
        {
            Interlocked.Increment(ref owner._unprotects);
            return owner.Refusing ? throw new CryptographicException("The key ring refuses it.") : protector.Unprotect(protectedData);
        }
    }
}
