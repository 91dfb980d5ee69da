namespace Bff.Configuration;

/// <summary>The <c>Bff:DataProtection</c> section: how the key ring kept in Redis is itself protected.</summary>
public sealed class BffDataProtectionOptions
{
    /// <summary>A PKCS#12 certificate that encrypts the key ring at rest.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The password of <see cref="CertificatePath"/>.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>
    /// The certificate <see cref="CertificatePath"/> named before a rotation: it still decrypts the keys
    /// written under it, and encrypts nothing.
    /// </summary>
    public string? PreviousCertificatePath { get; set; }

    /// <summary>The password of <see cref="PreviousCertificatePath"/>.</summary>
    public string? PreviousCertificatePassword { get; set; }
}
