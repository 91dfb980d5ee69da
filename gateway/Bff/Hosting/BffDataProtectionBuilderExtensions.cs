using Bff.Configuration;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Bff.Hosting;

/// <summary>Certificate rotation for the Data Protection key ring (docs/operations.md, "Data Protection").</summary>
internal static class BffDataProtectionBuilderExtensions
{
    public const string CertificatePathKey = "Bff:DataProtection:CertificatePath";
    public const string CertificatePasswordKey = "Bff:DataProtection:CertificatePassword";
    public const string PreviousCertificatePathKey = "Bff:DataProtection:PreviousCertificatePath";
    public const string PreviousCertificatePasswordKey = "Bff:DataProtection:PreviousCertificatePassword";

    /// <summary>
    /// Encrypts the key ring with the certificate of <c>Bff:DataProtection:CertificatePath</c>, when set, and
    /// still decrypts keys written under the previous one.
    /// </summary>
    public static IDataProtectionBuilder ProtectKeysFromConfiguration(this IDataProtectionBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var certificatePath = configuration[CertificatePathKey];
        if (!string.IsNullOrEmpty(certificatePath) && File.Exists(certificatePath))
        {
            builder.ProtectKeysWithCertificate(X509CertificateLoader.LoadPkcs12FromFile(certificatePath, configuration[CertificatePasswordKey]));
        }

        return builder.UnprotectKeysWithPreviousCertificate(configuration);
    }

    /// <summary>
    /// Lets keys written under the certificate that <c>Bff:DataProtection:CertificatePath</c> named before a
    /// rotation still be decrypted. It never encrypts anything: new keys use the current certificate.
    /// </summary>
    public static IDataProtectionBuilder UnprotectKeysWithPreviousCertificate(this IDataProtectionBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        var path = configuration[PreviousCertificatePathKey];
        if (string.IsNullOrEmpty(path))
        {
            return builder;
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, configuration[PreviousCertificatePasswordKey]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            // The exception's message is not shown: it could echo file contents or paths an operator did not set.
            throw new OptionsValidationException(BffOptions.SectionName, typeof(BffOptions),
                [$"{PreviousCertificatePathKey} could not be loaded as a PKCS#12 certificate with {PreviousCertificatePasswordKey} ({ex.GetType().Name})."]);
        }

        return builder.UnprotectKeysWithAnyCertificate(certificate);
    }
}
