using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.IdentityModel.Tokens;

namespace Bff.Configuration;

/// <summary>
/// A client's signing key for <c>private_key_jwt</c>, read from <see cref="BffClientAssertionOptions"/>: the key, its
/// <c>kid</c>, and for a certificate the <c>x5t</c> and <c>x5t#S256</c> headers that Entra ID and ADFS look keys up by.
/// </summary>
internal sealed class ClientAssertionKey
{
    private ClientAssertionKey(AsymmetricSecurityKey key, string keyId, X509Certificate2? certificate)
    {
        Key = key;
        KeyId = keyId;
        if (certificate is not null)
        {
            Headers = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                ["x5t"] = Base64UrlEncoder.Encode(certificate.GetCertHash()),
                ["x5t#S256"] = Base64UrlEncoder.Encode(certificate.GetCertHash(HashAlgorithmName.SHA256)),
            };
        }
    }

    public AsymmetricSecurityKey Key { get; }

    public string KeyId { get; }

    public IReadOnlyDictionary<string, object> Headers { get; } = new Dictionary<string, object>();

    /// <summary>
    /// The JWS algorithm to sign with: for RSA, RS256 unless the IdP lists only PS256 among those it accepts
    /// (FAPI); for EC, the one that goes with the curve.
    /// </summary>
    public string AlgorithmFor(IReadOnlyCollection<string> accepted) => Key switch
    {
        RsaSecurityKey when accepted.Count > 0 && !accepted.Contains(SecurityAlgorithms.RsaSha256) && accepted.Contains(SecurityAlgorithms.RsaSsaPssSha256)
            => SecurityAlgorithms.RsaSsaPssSha256,
        RsaSecurityKey => SecurityAlgorithms.RsaSha256,
        ECDsaSecurityKey { KeySize: 384 } => SecurityAlgorithms.EcdsaSha384,
        ECDsaSecurityKey { KeySize: 521 } => SecurityAlgorithms.EcdsaSha512,
        _ => SecurityAlgorithms.EcdsaSha256,
    };

    /// <summary>Reads the key; null when none is configured. Throws <see cref="ClientAssertionKeyException"/> naming the key.</summary>
    public static ClientAssertionKey? Load(BffClientAssertionOptions options, string section)
    {
        if (!string.IsNullOrWhiteSpace(options.CertificatePath))
        {
            var certificate = Read($"{section}:ClientAssertion:CertificatePath", () => LoadCertificate(options.CertificatePath, options.CertificatePassword));
            AsymmetricAlgorithm privateKey = (AsymmetricAlgorithm?)certificate.GetRSAPrivateKey() ?? certificate.GetECDsaPrivateKey()
                ?? throw new ClientAssertionKeyException($"{section}:ClientAssertion:CertificatePath holds no RSA or EC private key.");
            return Create(ToSecurityKey(privateKey), options.KeyId, certificate);
        }

        if (!string.IsNullOrWhiteSpace(options.KeyPath))
        {
            var key = Read($"{section}:ClientAssertion:KeyPath", () => LoadPem(File.ReadAllText(options.KeyPath), options.KeyPassword));
            return Create(key, options.KeyId, null);
        }

        return null;
    }

    private static ClientAssertionKey Create(AsymmetricSecurityKey key, string? keyId, X509Certificate2? certificate)
    {
        if (string.IsNullOrWhiteSpace(keyId))
        {
            // RFC 7638 over the public members only, so the IdP's copy of the public key has the same kid.
            keyId = Base64UrlEncoder.Encode(JsonWebKeyConverter.ConvertFromSecurityKey(key).ComputeJwkThumbprint());
        }

        key.KeyId = keyId;
        return new ClientAssertionKey(key, keyId, certificate);
    }

    private static X509Certificate2 LoadCertificate(string path, string? password)
    {
        var text = File.ReadAllText(path);
        if (!text.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, password);
        }

        return string.IsNullOrEmpty(password)
            ? X509Certificate2.CreateFromPem(text, text)
            : X509Certificate2.CreateFromEncryptedPem(text, text, password);
    }

    private static AsymmetricSecurityKey LoadPem(string pem, string? password)
    {
        var rsa = RSA.Create();
        if (TryImport(rsa, pem, password))
        {
            return new RsaSecurityKey(rsa);
        }

        rsa.Dispose();
        var ec = ECDsa.Create();
        if (TryImport(ec, pem, password))
        {
            return new ECDsaSecurityKey(ec);
        }

        ec.Dispose();
        throw new CryptographicException("Neither an RSA nor an EC private key.");
    }

    private static bool TryImport(AsymmetricAlgorithm algorithm, string pem, string? password)
    {
        try
        {
            if (string.IsNullOrEmpty(password))
            {
                algorithm.ImportFromPem(pem);
            }
            else
            {
                algorithm.ImportFromEncryptedPem(pem, password);
            }

            return true;
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            return false;
        }
    }

    private static AsymmetricSecurityKey ToSecurityKey(AsymmetricAlgorithm algorithm) => algorithm switch
    {
        RSA rsa => new RsaSecurityKey(rsa),
        ECDsa ec => new ECDsaSecurityKey(ec),
        _ => throw new CryptographicException("Only RSA and EC keys can sign client assertions."),
    };

    private static T Read<T>(string key, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            // The exception's message is not shown: it could quote the file.
            throw new ClientAssertionKeyException($"{key} could not be read as a key ({ex.GetType().Name}).");
        }
    }
}

/// <summary>A client assertion key that is configured but cannot be used; the message names the key.</summary>
internal sealed class ClientAssertionKeyException(string message) : Exception(message);
